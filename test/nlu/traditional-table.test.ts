import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  changesToTraditional,
  charsToTraditional,
  DEFAULT_TRADITIONAL_TABLE_PATH,
  useTraditionalTable,
  writeTraditionalTable,
} from '../../src/nlu/chinese-script';

describe('Traditional character table (language detection without the phrase converter at start-up)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'traditional-table-'));
  afterAll(() => {
    useTraditionalTable(DEFAULT_TRADITIONAL_TABLE_PATH);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers exactly as the converter for every character detection counts, and falls back to it without a table', () => {
    const file = path.join(tmp, 'traditional-chars.json');
    expect(writeTraditionalTable(file)).toBeGreaterThan(1000);
    useTraditionalTable(file);
    const differing: string[] = [];
    for (const [from, to] of [
      [0x3400, 0x4dbf],
      [0x4e00, 0x9fff],
      [0xf900, 0xfaff],
    ]) {
      for (let cp = from; cp <= to; cp++) {
        const c = String.fromCharCode(cp);
        if (changesToTraditional(c) !== (charsToTraditional(c) !== c)) differing.push(c);
      }
    }
    expect(differing).toEqual([]);
    expect(changesToTraditional('验')).toBe(true);
    expect(changesToTraditional('驗')).toBe(false);

    // A table of another OpenCC version is not used.
    fs.writeFileSync(file, JSON.stringify({ opencc: '0.0.0', changing: '' }));
    useTraditionalTable(file);
    expect(changesToTraditional('验')).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileUnansweredLog } from '../../src/state/unanswered-log';

describe('npm run unanswered', () => {
  it('prints the most frequent unanswered questions, masked', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-cli-')), 'log.jsonl');
    const log = new FileUnansweredLog(file);
    const at = '2026-01-02T02:00:00.000Z';
    for (const text of ['域名怎么买', '域名怎么买', '域名怎么买', '我的号13812345678 能开发票吗'])
      await log.record({ text, lang: 'zh-Hans', intent: 'fallback', confidence: 0.9, at });
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/unanswered.ts', '5'], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, UNANSWERED_LOG: file, REDIS_URL: '' },
      encoding: 'utf8',
    });
    const lines = out.trim().split('\n');
    expect(lines[1]).toMatch(/^\s+3\s+zh-Hans\s+fallback.*域名怎么买$/);
    expect(out).toContain('138****5678');
    expect(out).not.toContain('13812345678');
  });
});

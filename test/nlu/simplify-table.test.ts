import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { changesToSimplified, charsToSimplified, openccToSimplified } from '../../src/nlu/chinese-script';

// charsToSimplified answers from a composed character table and hands texts that may hold a longer
// dictionary key to OpenCC: both must give exactly what OpenCC's tw -> cn converter gives.
describe('Traditional -> Simplified without walking OpenCC tries per character', () => {
  // Every key of the converter's dictionaries, the material of the texts where the two could differ.
  const keys: string[] = [];
  const config = (OpenCC.Locale.configs as unknown as Record<string, unknown>).tw2s;
  JSON.stringify(config, (_k, v: unknown) => {
    if (typeof v === 'string') for (const entry of v.split('|')) if (entry.includes(' ')) keys.push(entry.slice(0, entry.indexOf(' ')));
    return v;
  });

  it('has the tw -> cn dictionaries to build from', () => {
    expect(keys.length).toBeGreaterThan(5000);
  });

  it('gives OpenCC’s answer for every code point alone, and says whether it changes it', () => {
    const differing: string[] = [];
    let changing = 0;
    for (let cp = 0x20; cp <= 0x3ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const expected = openccToSimplified(c);
      if (expected !== c) changing++;
      if (charsToSimplified(c) !== expected || changesToSimplified(c) !== (expected !== c)) differing.push(c);
    }
    expect(differing).toEqual([]);
    expect(changing).toBeGreaterThan(2000);
  });

  it('gives OpenCC’s answer for every key and for texts of keys, their parts and ordinary words run together', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const filler = ['验证码', '短信', '核验', '小程序', '備案', 'sms ', '12381', '，', '麼', '么', '著作', '乾隆', '🙂'];
    const piece = () => {
      const key = [...keys[random(keys.length)]];
      // A whole key, or a part of one (its start, its end), or an ordinary word.
      switch (random(4)) {
        case 0:
          return key.join('');
        case 1:
          return key.slice(0, 1 + random(key.length)).join('');
        case 2:
          return key.slice(random(key.length)).join('');
        default:
          return filler[random(filler.length)];
      }
    };
    const texts = [...keys];
    for (let i = 0; i < 30_000; i++) texts.push(Array.from({ length: 1 + random(5) }, piece).join(''));
    const differing = texts.filter((t) => charsToSimplified(t) !== openccToSimplified(t));
    expect(differing.slice(0, 10)).toEqual([]);
  });

  it('gives OpenCC’s answer on the dev sets (when beside the repository) and on mixed-script messages', () => {
    const texts: string[] = [];
    const evalDir = path.resolve(__dirname, '..', '..', '..', 'shared', 'eval');
    for (const file of ['dev.jsonl', 'dev-v2.jsonl']) {
      const p = path.join(evalDir, file);
      if (!fs.existsSync(p)) continue;
      for (const line of fs.readFileSync(p, 'utf8').split('\n')) if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
    }
    texts.push('點樣先可以收到驗證碼？簡訊一直冇嚟', '著作權登記', '乾隆年間', '⿰氵青', '臺灣 台灣 颱風', '𠮷野家');
    const differing = texts.filter((t) => charsToSimplified(t) !== openccToSimplified(t));
    expect(differing).toEqual([]);
  });
});

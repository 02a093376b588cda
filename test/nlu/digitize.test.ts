import { en } from '../../src/nlu/lang/en';
import { zh } from '../../src/nlu/lang/zh';

// Each unit's digitize returns text without its script untouched, without running its patterns:
// the same answer as running them. A prefix that matches nothing ("中", "z ") forces them to run.
describe('number words to digits', () => {
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ['〇', '零', '一', '两', '十', '二十三', '点', '晚一点', '一时', '3', '12', ':', ' ', '.', 'TWICE', 'Three', 'AN HOUR', '，', '😀', 'é'];
  const texts = Array.from({ length: 5000 }, () => Array.from({ length: 1 + random(6) }, () => pieces[random(pieces.length)]).join(''));

  it('reads Chinese numerals, 〇 included, and leaves text without Chinese as it is', () => {
    expect(zh.digitize('两个小时')).toBe('2个小时');
    expect(zh.digitize('〇五')).toBe('05');
    expect(zh.digitize('二十三点')).toBe('23点');
    expect(zh.digitize('晚一点')).toBe(' ');
    for (const t of texts) expect(zh.digitize(t)).toBe(zh.digitize(`中${t}`).slice(1));
  });

  it('reads English number words, and leaves text without lower-case letters as it is', () => {
    expect(en.digitize('three times')).toBe('3 times');
    expect(en.digitize('twice, an hour ago')).toBe('2 times, 1 hour ago');
    expect(en.digitize('第五次 fifth time')).toBe('第五次 5th time');
    for (const t of texts) expect(en.digitize(t)).toBe(en.digitize(`z ${t}`).slice(2));
  });
});

import { normalize } from '../../src/nlu/normalizer';
import { createSegmenter, tokenize, latinTokens } from '../../src/nlu/tokenizer';
import { INTENTS_DIR } from '../helpers';
import path from 'node:path';

const segmenter = createSegmenter(path.join(INTENTS_DIR, 'jieba-user-dict.txt'));

describe('normalize', () => {
  it('turns Traditional (with Taiwan phrases) into Simplified', () => {
    expect(normalize('一直收不到管局的驗證簡訊，要怎麼處理？')).toBe('一直收不到管局的验证短信 要怎么处理');
  });

  it('maps written Cantonese to Mandarin', () => {
    expect(normalize('收唔到個驗證碼點算好')).toBe('收不到个验证码怎么办');
  });

  it('folds full width, case, punctuation, emoji and whitespace', () => {
    expect(normalize('ＭＩＩＴ　短信😭😭收不到！！  ＳＭＳ？')).toBe('miit 短信 收不到 sms');
  });

  it('gives the same text when run twice, also where lower-casing adds a combining mark (İ)', () => {
    for (const text of ['\u0130\u0316', 'İSTANBUL 验证码', 'Ä\u0316\u0301']) expect(normalize(normalize(text))).toBe(normalize(text));
  });

  it('keeps digits, Latin words and every Chinese character', () => {
    const s = normalize('已经错了3次 code是123456吗');
    expect(s).toBe('已经错了3次 code是123456吗');
  });
});

describe('tokenize', () => {
  it('keeps the information of a Chinese sentence: words and character bigrams', () => {
    const tokens = tokenize(normalize('核验短信一直没收到'), segmenter);
    expect(tokens).toEqual(expect.arrayContaining(['w:核验', 'w:短信', 'w:没收到', 'b:核验', 'b:收到', 'c:短']));
  });

  it('gives a Traditional sentence the same features as its Simplified twin', () => {
    const hant = tokenize(normalize('驗證簡訊要傳到誰的手機'), segmenter);
    const hans = tokenize(normalize('验证短信要传到谁的手机'), segmenter);
    expect(new Set(hant)).toEqual(new Set(hans));
    expect(hant.length).toBeGreaterThan(5);
  });

  it('stems English words and keeps word pairs', () => {
    const tokens = latinTokens(normalize('Never received the verification texts'));
    expect(tokens).toEqual(expect.arrayContaining(['e:never', 'e:receiv', 'e:verif', 'e:text', 'e2:receiv_verif']));
    expect(tokens).not.toContain('e:the');
  });

  it('reads Latin words and digits inside Chinese text', () => {
    const tokens = tokenize(normalize('拿到code了 输错了3次'), segmenter);
    expect(tokens).toEqual(expect.arrayContaining(['e:code', 'n:3', 'w:输错']));
  });

  it('turns long digit runs into a length class instead of keeping the digits', () => {
    const tokens = latinTokens('13812345678');
    expect(tokens).toEqual(['n:len11']);
  });

  it('returns no features for empty or punctuation-only input', () => {
    expect(tokenize(normalize('？！。…'), segmenter)).toEqual([]);
  });
});

import { detectLanguage } from '../../src/nlu/language';

describe('detectLanguage', () => {
  it.each([
    ['收不到核验短信怎么办', 'zh-Hans'],
    ['拿到code了 去哪个网站填啊', 'zh-Hans'],
    ['收不到驗證簡訊怎麼辦', 'zh-Hant'],
    ['您好～請問在嗎', 'zh-Hant'],
    ['收唔到個驗證碼點算', 'zh-Hant'],
    ['收唔到验证码点算', 'zh-Hant'],
    ['never got the verification text', 'en'],
    ['the 初审 passed but still no sms from miit', 'en'],
    ['12345', 'en'],
  ])('%s -> %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('asks for Hong Kong conventions for Cantonese', () => {
    expect(detectLanguage('個驗證碼幾耐會到').variant).toBe('hk');
    expect(detectLanguage('驗證碼多久會到').variant).toBe('tw');
  });
});

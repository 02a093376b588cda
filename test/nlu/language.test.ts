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
  ])('%s -> %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('asks for Hong Kong conventions for Cantonese, Taiwan ones for Taiwan words, and none without evidence', () => {
    expect(detectLanguage('個驗證碼幾耐會到').variant).toBe('hk');
    expect(detectLanguage('微信小程式的簡訊').variant).toBe('tw');
    expect(detectLanguage('驗證碼多久會到').variant).toBeNull();
  });

  it.each(['12345', '1', '新增接入', '其他平台'])('finds no script or language in %s (the conversation decides)', (text) => {
    expect(detectLanguage(text).neutral).toBe(true);
  });

  it('reads an English sentence quoting a Chinese error as English', () => {
    expect(detectLanguage('I entered everything and the page shows 您的短信核验失败，请您重新验证 which field is wrong').lang).toBe('en');
    expect(detectLanguage('the page says “该条验证库里找不到记录” what now').lang).toBe('en');
    expect(detectLanguage('拿到code了').lang).toBe('zh-Hans');
  });
});

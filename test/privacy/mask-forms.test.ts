// Every form of personal data that issue 10 found reaching the unanswered log in full, masked.
import { findPersonalData, mask } from '../../src/privacy/mask';

describe('mask: the forms people really type', () => {
  it.each([
    ['two spaces between groups', '139  8765  4321'],
    ['dots', '139.8765.4321'],
    ['slashes', '139/8765/4321'],
    ['underscores', '139_8765_4321'],
    ['commas', '139,8765,4321'],
    ['full-width commas', '139，8765，4321'],
    ['0086 prefix', '008613987654321'],
    ['+86 prefix and dashes', '+86-139-8765-4321'],
    ['zero-width spaces', '139\u200b8765\u200b4321'],
    ['zero-width joiners inside groups', '1\u200d3\u200d9\u200d8765\u200d4321'],
    ['soft hyphens', '139\u00ad8765\u00ad4321'],
    ['mathematical digits', '𝟏𝟑𝟗𝟖𝟕𝟔𝟓𝟒𝟑𝟐𝟏'],
    ['Arabic-Indic digits', '١٣٩٨٧٦٥٤٣٢١'],
    ['extended Arabic-Indic digits', '۱۳۹۸۷۶۵۴۳۲۱'],
    ['full-width digits', '１３９８７６５４３２１'],
    ['Chinese numerals', '一三九八七六五四三二一'],
    ['Chinese numerals with 幺', '幺三九 八七六五 四三二幺'],
    ['keycap emoji digits', '1️⃣3️⃣9️⃣8️⃣7️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣'],
  ])('a phone number with %s: %s', (_name, phone) => {
    const masked = mask(`我的手机号是${phone}，帮我看看`);
    expect(masked).toBe('我的手机号是139****4321，帮我看看');
    expect(findPersonalData(phone).mobiles).toEqual(['139****4321']);
  });

  it.each([
    ['grouped 4-4-4-4-2', '1101 0119 9003 0777 58'],
    ['grouped 6-8-4 with dots (the birth date too)', '110101.19900307.7758'],
    ['whole', '110101199003077758'],
    ['in Chinese numerals', '一一零一零一一九九零零三零七七七五八'],
    ['with zero-width spaces', '110101\u200b19900307\u200b7758'],
    ['after letters', 'ID110101199003077758'],
  ])('an ID number %s: %s', (_name, id) => {
    const masked = mask(`身份证 ${id} 对吗`);
    expect(masked).toBe(`身份证 ${id.startsWith('ID') ? 'ID' : ''}11**************** 对吗`);
    expect(masked).not.toMatch(/1990|0307|7758/);
    expect(findPersonalData(id).idNumbers).toBe(1);
  });

  it('an old 15-digit ID number, grouped or not', () => {
    for (const id of ['110101900307775', '110101 900307 775', '110101-900307-775']) expect(mask(id)).toBe('11*************');
  });

  it.each([
    ['whole', '572913'],
    ['3-3 with a space', '572 913'],
    ['one by one with dashes', '5-7-2-9-1-3'],
    ['2-2-2 with dots', '57.29.13'],
    ['in Chinese numerals', '五七二九一三'],
    ['with a zero-width space', '572\u200b913'],
  ])('a verification code %s: %s', (_name, code) => {
    expect(mask(`验证码 ${code} 输入失败`)).toBe('验证码 ****** 输入失败');
    expect(findPersonalData(code).codes).toBe(1);
  });

  it.each([
    ['后六位 12345X', '后六位 ******'],
    ['后 6 位 是 123 45x', '后 6 位 是 ******'],
    ['last 6 digits: 1 2 3 4 5 6', 'last 6 digits: ******'],
    ['末六位号码是一二三四五六', '末六位号码是******'],
  ])('an ID tail: %s', (text, expected) => {
    expect(mask(text)).toBe(expected);
  });

  it('leaves dates, times and counts alone', () => {
    for (const text of ['2026.1.1提交的', '2026-01-15 10:30', '输错了3次', '12:30:45', '第一二次']) expect(mask(text)).toBe(text);
  });
});

import { simplifiedToTraditional } from '../../src/nlu/chinese-script';
import { newEngine } from '../helpers';

describe('answer text in Traditional Chinese', () => {
  it.each([
    ['审核', '審核'],
    ['注销主体', '註銷主體'],
    ['备案类型', '備案類型'],
    ['工信部备案系统内核验', '工信部備案系統內核驗'],
    ['省通信管理局', '省通信管理局'],
    ['上传文件', '上傳文件'],
    ['版本发布', '版本發佈'],
  ])('keeps the meaning of %s (no Taiwan phrase rewrite)', (simplified, traditional) => {
    expect(simplifiedToTraditional(simplified, 'tw')).toBe(traditional);
    expect(simplifiedToTraditional(simplified, 'hk')).toBe(traditional);
  });

  it('keeps on-screen text word for word and quotes it with 「」', () => {
    const tw = simplifiedToTraditional(
      '页面提示“您的短信核验失败，请您重新验证”时，点【重新发送短信】，路径【基础设置】→【备案信息】→【查看填写信息】。',
      'tw',
    );
    expect(tw).toBe('頁面提示「您的短信核驗失敗，請您重新驗證」時，點【重新發送短信】，路徑【基礎設置】→【備案信息】→【查看填寫信息】。');
  });

  it('uses the Taiwan word in prose but not inside on-screen text', () => {
    expect(simplifiedToTraditional('检查网络后再登录账号', 'tw')).toBe('檢查網路後再登錄帳號');
    expect(simplifiedToTraditional('点“网络设置”', 'tw')).toBe('點「網絡設置」');
    expect(simplifiedToTraditional('检查网络', 'hk')).toBe('檢查網絡');
  });

  it('writes Hong Kong character variants for a Hong Kong conversation, keeping 臺', () => {
    expect(simplifiedToTraditional('后台里', 'hk')).toBe('後臺裏');
    expect(simplifiedToTraditional('为着', 'hk')).toBe('為着');
    expect(simplifiedToTraditional('为着', 'tw')).toBe('為著');
    expect(simplifiedToTraditional('后台里', 'tw')).toBe('後臺裡');
  });
});

describe('Taiwan or Hong Kong wording per conversation', () => {
  it('keeps the Hong Kong variant of a Cantonese user when a later message shows Taiwan words', async () => {
    const { engine } = newEngine();
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = await engine.handle({ userId: 'hk-user', text: '核驗短信點樣先收到？幾耐有效', timestamp: t0, channel: 'test' });
    expect(first.reply.lang).toBe('zh-Hant');
    expect(first.state.variant).toBe('hk');
    const second = await engine.handle({ userId: 'hk-user', text: '簡訊的驗證碼有效期多久？', timestamp: new Date(t0.getTime() + 60_000), channel: 'test' });
    expect(second.state.variant).toBe('hk');
    expect(second.reply.text).not.toMatch(/裡/);
  });
});

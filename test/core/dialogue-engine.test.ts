import { Nlu } from '../../src/nlu/nlu';
import { newEngine, sharedKb } from '../helpers';

const at = new Date('2026-01-01T04:00:00Z');
const say = (engine: ReturnType<typeof newEngine>['engine'], userId: string, text: string, platform?: 'wechat' | 'douyin' | 'tencent_cloud') =>
  engine.handle({ userId, text, timestamp: at, channel: 'test', platform });

describe('DialogueEngine answers', () => {
  it('gives the common facts and asks which platform, instead of every platform’s, when the platform is unknown', async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'a', '初审通过以后多久能收到工信部短信');
    expect(reply.intent).toBe('sms.arrival_time');
    expect(reply.text).toMatch(/12381/);
    expect(reply.text).toMatch(/24 小时/);
    expect(reply.text).not.toMatch(/5-10|3-4/);
    expect(reply.text.split('\n').pop()).toMatch(/哪个平台.*微信小程序.*抖音小程序.*腾讯云网站/);
  });

  it("shows only the user's platform once known", async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'b', 'how long after the preliminary review does the miit sms arrive', 'douyin');
    expect(reply.lang).toBe('en');
    expect(reply.text).toMatch(/3(-| to )4 hours/);
    expect(reply.text).not.toMatch(/5(-| to )10 min/);
    expect(reply.text).not.toMatch(/WeChat Mini Program:/);
  });

  it('remembers the platform named in an earlier message', async () => {
    const { engine } = newEngine();
    await say(engine, 'c', '我们是抖音小程序');
    const { reply, state } = await say(engine, 'c', '输错5次了 提示请联系接入商查询核验结果 怎么办');
    expect(state.platform).toBe('douyin');
    expect(reply.intent).toBe('verify.attempts_exhausted');
    expect(reply.text).toMatch(/重新发送短信/);
    expect(reply.text).not.toMatch(/去完善/);
  });

  it('answers Traditional with Traditional, converted from the Simplified text', async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'd', '驗證碼有效期多久？');
    expect(reply.lang).toBe('zh-Hant');
    expect(reply.intent).toBe('verify.validity');
    expect(reply.text).toMatch(/24/);
    expect(reply.text).toMatch(/驗證|小時/);
    // 短信 is written the same in both scripts (seed 001 keeps it); Simplified-only characters never appear.
    expect(reply.text).not.toMatch(/验证|小时|时|发/);
  });

  it('keeps the older WeChat rule as a labelled note', async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'e', 'who receives the verification sms, the legal person or the mini program admin', 'wechat');
    expect(reply.intent).toBe('sms.recipient');
    expect(reply.text).toMatch(/Note: /);
    expect(reply.sources).toEqual(expect.arrayContaining(['001 §7']));
  });

  it('lets the user pick a did-you-mean suggestion by number, in their language', async () => {
    // A margin of 1 can't be met: every classifier answer becomes fallback with suggestions.
    const { engine } = newEngine(new Nlu(sharedKb(), { threshold: 0.35, margin: 1 }));
    const first = await say(engine, 'f', '核验短信的链接打不开');
    expect(first.reply.intent).toBe('fallback');
    expect(first.reply.suggestions[0].intent).toBe('verify.link_broken');
    expect(first.reply.text).toContain(`1. ${first.reply.suggestions[0].question}`);
    const second = await say(engine, 'f', '1');
    expect(second.reply.intent).toBe('verify.link_broken');
    expect(second.reply.decidedBy).toBe('choice');
    expect(second.reply.lang).toBe('zh-Hans');
    // The choice is used once: a later "1" is just a message again.
    const third = await say(engine, 'f', '1');
    expect(third.reply.intent).not.toBe('verify.link_broken');
  });

  it('falls back politely on an out-of-scope question', async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'g', 'how do I register a company in Shanghai');
    expect(reply.intent).toBe('fallback');
    expect(reply.lang).toBe('en');
    expect(reply.text.length).toBeGreaterThan(20);
  });

  it('stores no message text in state', async () => {
    const { engine, store } = newEngine();
    await say(engine, 'h', '我的手机号13812345678收不到验证码');
    expect(JSON.stringify(await store.get('h'))).not.toMatch(/13812345678/);
  });
});

describe('DialogueEngine: the platform question and menus', () => {
  it('gives the promised platform steps when the user answers "which platform?" with just a platform', async () => {
    const { engine } = newEngine();
    const first = await say(engine, 'pq1', '核验短信过期了怎么重新发');
    expect(first.reply.menu?.kind).toBe('platform');
    expect(first.reply.text).not.toMatch(/重新发送短信/);
    const { reply, state } = await say(engine, 'pq1', '抖音小程序');
    expect(reply.intent).toBe(first.reply.intent);
    expect(reply.decidedBy).toBe('slot_answer');
    expect(state.platform).toBe('douyin');
    expect(reply.text).toMatch(/抖音开放平台/);
    expect(reply.menu).toBeUndefined();
  });

  it('does the same in English and keeps a longer message as a new question', async () => {
    const { engine } = newEngine();
    const first = await say(engine, 'pq2', 'how do I resend the verification SMS');
    expect(first.reply.menu?.kind).toBe('platform');
    expect((await say(engine, 'pq2', 'WeChat')).reply.intent).toBe(first.reply.intent);
    const other = newEngine().engine;
    await say(other, 'pq3', 'how do I resend the verification SMS');
    const { reply } = await say(other, 'pq3', 'on Douyin, what happens if I type the wrong code five times?');
    expect(reply.intent).not.toBe(first.reply.intent);
  });

  it('describes the platform question as a menu: the three platforms, and the text without the question', async () => {
    const { engine } = newEngine();
    const { reply } = await say(engine, 'pm1', '短信多久能收到');
    const menu = reply.menu!;
    expect(menu.choices.map((c) => c.id)).toEqual(['platform:wechat', 'platform:douyin', 'platform:tencent_cloud']);
    expect(menu.choices.map((c) => c.label)).toEqual(['微信小程序', '抖音小程序', '腾讯云网站']);
    expect(reply.text).toContain(menu.plain);
    expect(menu.rest).not.toContain(menu.plain);
    expect(menu.rest.length).toBeGreaterThan(0);
    expect(reply.text.replace(menu.plain, '').trim()).toBe(menu.rest);
  });

  it('describes a did-you-mean list as a menu of intents, and a tapped entry answers that intent', async () => {
    const { engine } = newEngine();
    const fallback = (await say(engine, 'dm1', '短信')).reply;
    expect(fallback.intent).toBe('fallback');
    if (!fallback.menu) throw new Error('no menu');
    expect(fallback.menu.kind).toBe('did_you_mean');
    expect(fallback.menu.choices.length).toBeGreaterThan(0);
    expect(fallback.menu.choices.every((c) => c.id.startsWith('intent:'))).toBe(true);
    expect(fallback.text).toContain(fallback.menu.plain);
    expect(fallback.menu.rest).not.toMatch(/^1\. /m);
    const picked = fallback.menu.choices[fallback.menu.choices.length - 1].id.slice('intent:'.length);
    const { reply } = await engine.handle({ userId: 'dm1', text: fallback.menu.choices[0].label, timestamp: at, channel: 'test', pickedIntent: picked });
    expect(reply.intent).toBe(picked);
    expect(reply.decidedBy).toBe('choice');
  });

  it('ignores a picked intent that does not exist', async () => {
    const { engine } = newEngine();
    const { reply } = await engine.handle({ userId: 'dm2', text: '验证码有效期多久', timestamp: at, channel: 'test', pickedIntent: 'no.such_intent' });
    expect(reply.intent).toBe('verify.validity');
    expect(reply.decidedBy).not.toBe('choice');
  });
});

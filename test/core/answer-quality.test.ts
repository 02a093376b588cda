import * as OpenCC from 'opencc-js';
import { ALL_INTENTS, KNOWLEDGE_INTENTS } from '../../src/core/intent-ids';
import { PLATFORMS, type Platform } from '../../src/core/types';
import { charsToTraditional } from '../../src/nlu/chinese-script';
import { newConversationState } from '../../src/state/conversation-state';
import { newEngine, sharedKb, sharedNlu } from '../helpers';

// Every answer the engine can give to an intent's own question, in every language and for every
// platform (and none), must be shippable: one WeChat message, only that platform's facts, and
// Traditional Chinese that keeps the meaning and the on-screen wording.

const kb = sharedKb();
const nlu = sharedNlu();
const { engine } = newEngine(nlu);
const now = new Date('2026-01-01T00:00:00Z');
const MAX_BYTES = 2048;

// Strings only one platform's documents use (from the seeds): seeing one in another platform's
// answer means a fact leaked. Keyed by the platform they belong to.
const MARKERS: Record<Platform, string[]> = {
  douyin: [
    '审核未通过',
    '管局审核失败',
    '基础设置',
    '查看填写信息',
    '3-4 小时',
    '3-4 hours',
    '重新发送短信',
    '抖音开放平台',
    'Douyin Open Platform',
    '主办单位负责人',
  ],
  wechat: [
    '站内信',
    '模板消息',
    '1-2 个工作日',
    '1-2 working days',
    '5-10 分钟',
    '5-10 minutes',
    '去完善',
    '微信公众平台',
    'WeChat Official Platform',
    '七种',
    'seven',
  ],
  tencent_cloud: ['网站负责人', '联系方式1', '腾讯云', 'Tencent Cloud', '新增网站', "website's person in charge"],
};
// Roles both mini-program platforms name the same way, and a website platform does not have.
const NOT_FOR: Record<Platform, string[]> = { wechat: [], douyin: [], tencent_cloud: ['小程序负责人', "mini program's person in charge"] };

/** Wording OpenCC's Taiwan / Hong Kong phrase tables produce that changes a meaning or what the user sees on screen. */
const BAD_TRADITIONAL = ['稽核', '登出', '型別', '核心驗', '通訊管理局', '傳送簡訊', '基礎設定', '檢視填寫', '釋出', '檔案', '簡訊核驗失敗'];

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

type Case = { lang: 'zh-Hans' | 'zh-Hant' | 'en'; variant: 'tw' | 'hk' | null };
const LANGS: Array<[string, Case]> = [
  ['zh-Hans', { lang: 'zh-Hans', variant: null }],
  ['zh-Hant TW', { lang: 'zh-Hant', variant: 'tw' }],
  ['zh-Hant HK', { lang: 'zh-Hant', variant: 'hk' }],
  ['en', { lang: 'en', variant: null }],
];
const PLATFORM_CASES: Array<Platform | null> = [null, ...PLATFORMS];

function reply(intent: string, c: Case, platform: Platform | null) {
  const def = kb.intents.get(intent)!;
  const text = c.lang === 'en' ? def.question.en : c.lang === 'zh-Hant' ? toTraditional(def.question.zh) : def.question.zh;
  // The language under test, even where a short question (你好) reads as script-neutral.
  const parse = { ...nlu.parse(text, now), lang: c.lang, neutral: false, variant: c.variant ?? null };
  const message = { userId: 'u', text, timestamp: now, channel: 'test', ...(platform ? { platform } : {}) };
  return engine.answer(message, parse, newConversationState(now)).reply;
}

// The state.* intents answer reports, not their canonical question; they are tested in the dialogue tests.
const ASKABLE = ALL_INTENTS.filter((id) => !id.startsWith('state.'));
const KNOWLEDGE: readonly string[] = KNOWLEDGE_INTENTS;
const combos = ASKABLE.flatMap((intent) => LANGS.flatMap(([name, c]) => PLATFORM_CASES.map((p) => [intent, name, c, p] as const)));

describe.each(combos)('%s in %s for platform %s', (intent, _name, c, platform) => {
  it('is the intent asked, fits one WeChat message and carries no other platform’s facts or bad Traditional wording', () => {
    const r = reply(intent, c, platform);
    expect(r.intent).toBe(intent);
    expect(Buffer.byteLength(r.text, 'utf8')).toBeLessThanOrEqual(MAX_BYTES);
    // Markers are written in Simplified: compare the Simplified form of a Traditional reply.
    const plain = c.lang === 'zh-Hant' ? toSimplified(r.text) : r.text;
    // The help menu and the handoff name every platform on purpose; knowledge answers must not.
    if (platform && KNOWLEDGE.includes(intent)) {
      const foreign = PLATFORMS.filter((p) => p !== platform).flatMap((p) => MARKERS[p]);
      const leaked = [...foreign, ...NOT_FOR[platform]].filter((m) => !MARKERS[platform].includes(m) && plain.includes(m));
      expect(leaked).toEqual([]);
    }
    if (c.lang === 'zh-Hant') {
      expect(BAD_TRADITIONAL.filter((w) => r.text.includes(w))).toEqual([]);
      // No character a Traditional reader would take for Simplified.
      expect([...r.text].filter((ch) => /[\u4e00-\u9fff]/.test(ch) && charsToTraditional(ch) !== ch)).toEqual([]);
      // Traditional replies quote with 「」, as Taiwan and Hong Kong writers do.
      expect(r.text).not.toMatch(/[“”]/);
    }
  });
});

it('covers every knowledge intent', () => {
  for (const id of KNOWLEDGE_INTENTS) expect(combos.some(([i]) => i === id)).toBe(true);
});

// The key facts each answer must carry for each platform (numbers, buttons, statuses, roles), from the seeds.
// `*` applies to every platform and to none.
const KEY_FACTS: Record<string, Partial<Record<Platform | '*', { zh: string[]; en: string[] }>>> = {
  'sms.not_received': { '*': { zh: ['beian.miit.gov.cn', '欠费'], en: ['beian.miit.gov.cn', 'unpaid'] }, douyin: { zh: ['130-139'], en: ['130-139'] } },
  'sms.arrival_time': {
    '*': { zh: ['12381', '24 小时'], en: ['12381', '24 hours'] },
    wechat: { zh: ['5-10 分钟'], en: ['5 to 10 minutes'] },
    douyin: { zh: ['3-4 小时'], en: ['3 to 4 hours'] },
  },
  'sms.recipient': {
    wechat: { zh: ['主体负责人', '小程序负责人'], en: ["entity's person in charge", "mini program's person in charge"] },
    douyin: { zh: ['主办单位负责人', '小程序负责人'], en: ['主办单位负责人', '小程序负责人'] },
    tencent_cloud: { zh: ['主体负责人', '网站负责人', '243/13435'], en: ["website's person in charge", '243/13435'] },
  },
  'sms.emergency_contact': { '*': { zh: ['不会发到应急'], en: ['never to the emergency'] } },
  'verify.how_to': {
    '*': { zh: ['beian.miit.gov.cn', '6 位', '后 6 位'], en: ['beian.miit.gov.cn', '6-digit', 'last 6'] },
    douyin: { zh: ['基础设置 → 备案信息 → 查看填写信息'], en: ['基础设置 → 备案信息 → 查看填写信息'] },
    tencent_cloud: { zh: ['联系方式1'], en: ['contact 1'] },
  },
  'verify.link_broken': { '*': { zh: ['beian.miit.gov.cn'], en: ['beian.miit.gov.cn'] } },
  'verify.validity': {
    '*': { zh: ['24 小时', '12 小时'], en: ['24 hours', '12 hours'] },
    wechat: { zh: ['去完善'], en: ['去完善'] },
    douyin: { zh: ['重新发送短信'], en: ['重新发送短信'] },
    tencent_cloud: { zh: ['腾讯云备案系统'], en: ['Tencent Cloud filing system'] },
  },
  'verify.attempt_limit': {
    '*': { zh: ['5 次', '第 6 次'], en: ['5 tries', 'the 6th verification'] },
    wechat: { zh: ['去完善'], en: ['去完善'] },
    douyin: { zh: ['管局审核失败', '重新发送短信'], en: ['管局审核失败', '重新发送短信'] },
  },
  'verify.info_mismatch': { '*': { zh: ['证件号码后 6 位', '应急电话'], en: ['last 6 ID characters', 'emergency number'] } },
  'verify.attempts_exhausted': {
    wechat: { zh: ['去完善'], en: ['去完善'] },
    douyin: { zh: ['审核未通过', '重新发送短信'], en: ['审核未通过', '重新发送短信'] },
    tencent_cloud: { zh: ['腾讯云备案系统'], en: ['Tencent Cloud filing system'] },
  },
  'verify.failed_returned': {
    '*': { zh: ['24 小时', '驳回'], en: ['24 hours', 'rejected'] },
    wechat: { zh: ['去完善'], en: ['去完善'] },
    douyin: { zh: ['重新发送短信'], en: ['重新发送短信'] },
    tencent_cloud: { zh: ['腾讯云备案系统'], en: ['Tencent Cloud filing system'] },
  },
  'verify.waiting_other': {
    '*': { zh: ['24 小时', 'beian.miit.gov.cn'], en: ['24 hours', 'beian.miit.gov.cn'] },
    tencent_cloud: { zh: ['网站负责人'], en: ["website's person in charge"] },
  },
  'verify.success_check': { '*': { zh: ['您的短信核验已全部完成，该请求将提交管局审核'], en: ['您的短信核验已全部完成，该请求将提交管局审核'] } },
  'resend.how_to': {
    '*': { zh: ['短信重发', '12 小时'], en: ['短信重发', '12 hours'] },
    wechat: { zh: ['去完善'], en: ['去完善'] },
    douyin: { zh: ['审核未通过'], en: ['审核未通过'] },
  },
  'resend.no_pending': { '*': { zh: ['应急联系电话'], en: ['emergency contact'] }, douyin: { zh: ['基础设置'], en: ['基础设置'] } },
  'phone.supported_prefixes': { douyin: { zh: ['130-139', '195-199'], en: ['130-139', '195-199'] }, wechat: { zh: ['资料里没有'], en: ["don't cover"] } },
  'filing.types': {
    '*': { zh: ['首次备案'], en: ['first filing'] },
    wechat: { zh: ['新增小程序', '新增接入', '变更备案', '注销主体', '注销服务', '取消接入'], en: ['新增小程序', '新增接入', '变更备案', '取消接入'] },
    tencent_cloud: { zh: ['新增网站', '243/13435'], en: ['243/13435'] },
  },
  'filing.process': { '*': { zh: ['12381', '1-20 个工作日'], en: ['12381', '1-20 working days'] }, wechat: { zh: ['1-2 个工作日'], en: ['1-2 working days'] } },
  'filing.review_time': {
    '*': { zh: ['1-20 个工作日', '原样重新提交'], en: ['1-20 working days', 'as it is'] },
    wechat: { zh: ['1-2 个工作日'], en: ['1-2 working days'] },
  },
  'filing.status_delay': { '*': { zh: ['6 小时'], en: ['6 hours'] } },
  'filing.how_to_start': { wechat: { zh: ['去备案', '小程序需补充备案信息'], en: ['去备案', '小程序需补充备案信息'] } },
  'filing.face_verification': { '*': { zh: ['纯白色'], en: ['white background'] } },
};

describe.each(Object.entries(KEY_FACTS).flatMap(([intent, byPlatform]) => PLATFORM_CASES.map((p) => [intent, p, byPlatform] as const)))(
  '%s for platform %s',
  (intent, platform, byPlatform) => {
    it.each(['zh-Hans', 'en'] as const)('carries the key facts in %s', (lang) => {
      const wanted = [...(byPlatform['*']?.[lang === 'en' ? 'en' : 'zh'] ?? []), ...((platform && byPlatform[platform]?.[lang === 'en' ? 'en' : 'zh']) || [])];
      const text = reply(intent, { lang, variant: null }, platform).text;
      expect(wanted.filter((w) => !text.includes(w))).toEqual([]);
    });
  },
);

describe('English questions that quote a Chinese error string', () => {
  it.each([
    ['I entered the code and it says 您的短信核验失败，请联系接入商查询核验结果, what now?', 'verify.attempts_exhausted'],
    ['when I resend, the page shows 该条验证库里找不到记录', 'resend.not_found'],
    ['resend says 暂无待短信核验的备案申请，无需重发短信, but I never verified', 'resend.no_pending'],
    ['got 您的短信核验失败，请您重新验证 after typing the code', 'verify.info_mismatch'],
    ['the platform shows 工信部短信核验失败：短信验证未通过, how do I fix it', 'verify.failed_returned'],
  ])('answers "%s" in English as %s', async (text, intent) => {
    const { engine: e } = newEngine(nlu);
    const { reply: r } = await e.handle({ userId: 'en-paste', text, timestamp: now, channel: 'test', platform: 'wechat' });
    expect(r.intent).toBe(intent);
    expect(r.lang).toBe('en');
    expect(Buffer.byteLength(r.text, 'utf8')).toBeLessThanOrEqual(MAX_BYTES);
  });
});

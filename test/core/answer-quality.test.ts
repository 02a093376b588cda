import * as OpenCC from 'opencc-js';
import { ALL_INTENTS, KNOWLEDGE_INTENTS } from '../../src/core/intent-ids';
import { PLATFORMS, type Platform } from '../../src/core/types';
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
  const parse = { ...nlu.parse(text, now), variant: c.variant ?? null };
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
      // Traditional replies quote with 「」, as Taiwan and Hong Kong writers do.
      expect(r.text).not.toMatch(/[“”]/);
    }
  });
});

it('covers every knowledge intent', () => {
  for (const id of KNOWLEDGE_INTENTS) expect(combos.some(([i]) => i === id)).toBe(true);
});

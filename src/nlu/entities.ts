import type { Platform } from '../core/types';
import type { FilingType } from '../state/conversation-state';
import { simplify } from './normalizer';

// Checked in order on normalized (Simplified, lower-case) text; a bare 小程序 / 网站 is the weak
// signal and counts only when no platform is named.
const PLATFORM_PATTERNS: Array<[Platform, RegExp]> = [
  ['douyin', /抖音|字节|头条|douyin|tiktok|bytedance/],
  ['tencent_cloud', /腾讯云|tencent ?cloud|qcloud/],
  ['wechat', /微信|公众平台|wechat|weixin/],
];
const WEAK_PLATFORM: Array<[Platform, RegExp]> = [
  ['tencent_cloud', /网站|website|域名|domain/],
  ['wechat', /小程序|小进程|mini ?program|miniapp/],
];

/** The platform a message names, if any. */
export function extractPlatform(normalized: string): Platform | undefined {
  for (const [platform, re] of PLATFORM_PATTERNS) if (re.test(normalized)) return platform;
  for (const [platform, re] of WEAK_PLATFORM) if (re.test(normalized)) return platform;
  return undefined;
}

export type StageEvent = 'submitted' | 'preliminary_passed' | 'sms_received' | 'verified' | 'approved' | 'rejected';
const STAGE_ORDER: StageEvent[] = ['submitted', 'preliminary_passed', 'sms_received', 'verified', 'approved', 'rejected'];

export interface Entities {
  platform?: Platform;
  filingType?: FilingType;
  /** What the application changes. */
  changes?: { subject?: boolean; app?: boolean };
  /** A point in time the message mentions, resolved against `now`. */
  time?: Date;
  /** A number of wrong attempts; relative when it adds to the ones before (又 / again). */
  count?: { n: number; relative: boolean };
  /** Stage events the user reports (negated ones left out), in stage order. */
  events: StageEvent[];
  smsNotReceived?: boolean;
}

/** Everything the dialogue can use from one raw user message. Pure: `now` is the message time. */
export function extractEntities(text: string, now: Date, simplified?: string): Entities {
  // The NLU has usually simplified the text already: pass it to skip the conversion. Whitespace
  // runs are collapsed once here, so no pattern below ever sees more than one space in a row.
  const s = (simplified ?? simplify(text)).replace(WHITESPACE_RUN, ' ');
  const d = digitize(s.replace(NOT_CLOCK, ' '));
  const out: Entities = { events: extractEvents(s) };
  const assign = <K extends keyof Entities>(key: K, value: Entities[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  assign('platform', extractPlatform(s));
  assign('filingType', FILING_TYPES.find(([, re]) => re.test(s))?.[0]);
  assign('changes', extractChanges(s));
  assign('time', extractTime(d, now));
  assign('count', extractCount(d));
  if (SMS_NOT_RECEIVED.some((re) => re.test(s))) out.smsNotReceived = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

// The Taiwan-phrase step of simplify() rewrites Simplified text too: 小程序 -> 小进程, 新增 -> 添加.
const MP = '(?:小程序|小进程|mini ?program|mini ?app)';
const NEW = '(?:新增|添加)';
const CLAUSE_END = /[,.;!?，。；！？\n]/;
const WHITESPACE_RUN = /\s+/g;

/** The part of `s` before `index` that belongs to the same clause. */
function clauseBefore(s: string, index: number): string {
  const before = s.slice(0, index);
  const cut = Math.max(...[...before.matchAll(new RegExp(CLAUSE_END, 'g'))].map((m) => m.index + 1), 0);
  return before.slice(cut);
}

/** The clause around position `index`. */
function clauseAt(s: string, index: number): string {
  const rest = s.slice(index);
  const end = rest.search(CLAUSE_END);
  return clauseBefore(s, index) + (end < 0 ? rest : rest.slice(0, end));
}

// A negation right before a verb ("还没收到", "没有被驳回", "haven't received", "not yet verified").
const NEGATED = [
  /(?:没|没有|未|不|别|无法|没能)(?:会|能|要)?被?\s*$/,
  /\b(?:not|no|never|cannot|yet to|(?:can|don|didn|doesn|haven|hasn|hadn|isn|wasn|aren|weren|won)['’]?t)\b(?:\s+\S+){0,2}\s*$/,
];
// A question or a condition right before a verb ("多久收到短信", "how long until I get the code").
const HYPOTHETICAL = [
  /(?:多久|多长时间|什么时候|几时|几点|怎么|会不会|能不能|是否|如果|要是)(?:\s*(?:才|能|会|可以))?\s*$/,
  /\b(?:how long|will|would|if|until|should i|do i|does it)\b(?:\s+\S+){0,3}\s*$/,
];
const isNegated = (s: string, index: number) => [...NEGATED, ...HYPOTHETICAL].some((re) => re.test(clauseBefore(s, index)));

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Chinese numerals to Arabic digits (十二 -> 12, 二十三 -> 23, 两 -> 2, 零五 -> 05), up to 99. */
function digitize(s: string): string {
  return s.replace(/[零〇一二两三四五六七八九十]+/g, (w) => {
    if (!w.includes('十')) return [...w].map((c) => CN_DIGITS[c]).join('');
    const m = /^([一二两三四五六七八九]?)十([一二三四五六七八九]?)$/.exec(w);
    if (!m) return w;
    return String((m[1] ? CN_DIGITS[m[1]] : 1) * 10 + (m[2] ? CN_DIGITS[m[2]] : 0));
  });
}

// Phrases where 一点 / 一时 mean "a bit" / "a moment", not 1 o'clock (晚一点 = a bit later).
const NOT_CLOCK = /[早晚快慢差有多少好]一点(?![钟半多整]|左右)|一点点|一点儿|一时半会|一时/g;

const EN_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  'a couple of': 2,
  'couple of': 2,
  once: 1,
  twice: 2,
  thrice: 3,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
};
const EN_NUMBER = '\\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|(?:a )?couple of';
// Counts take no a / an ("give it a try", "one at a time").
const EN_COUNT_NUMBER = '\\d+|one|two|three|four|five|six|seven|eight|nine|ten';
const toNumber = (w: string) => (/^\d+$/.test(w) ? Number(w) : EN_NUMBERS[w]);

// ---------------------------------------------------------------------------------------------
// Filing type: most specific first (注销小程序 before 注销, 新增小程序备案 before 新增备案).

const FILING_TYPES: Array<[FilingType, RegExp]> = [
  ['cancel_service', new RegExp(`注销(?:服务|${MP})|cancel\\w* (?:the |my |a )?(?:service|${MP})`)],
  ['cancel_subject', /注销主体|cancel\w* (?:the |my )?(?:subject|entity)/],
  ['cancel_access', /取消接入|cancel\w* (?:the |my )?access/],
  ['new_access', new RegExp(`${NEW}接入|接入备案|new access|add(?:ing)? access`)],
  ['new_app', new RegExp(`${NEW}${MP}|(?:new|another|second) ${MP}`)],
  // 重新备案 (filing again after a rejection) is not a first filing.
  ['first_filing', new RegExp(`首次备案|第一次备案|${NEW}备案|(?<!重)新备案|first (?:filing|time)`)],
  // 手机号变更 is a phone change, not a change filing.
  ['change', /(?<!号|号码)变更|改名|change filing|filing change|changing/],
];

// ---------------------------------------------------------------------------------------------
// What the application changes.

const SUBJECT = /主体|主办单位|公司信息|公司名|法人|subject|entity/;
const APP = new RegExp(`${MP}(?:信息|名称|名字|负责人)|改名|${MP} (?:info|name|owner)|app (?:info|name)|rename`);
const SUBJECT_UNCHANGED =
  /(?:主体|主办单位|公司|法人)(?:信息)?(?:没有?|未|不)(?:变|改)|没有?(?:变|改)(?:过)?主体|(?:subject|entity)(?: info)? (?:didn['’]?t|did not|hasn['’]?t|has not|not|never) chang|same (?:subject|entity)/;
const APP_UNCHANGED = new RegExp(
  `${MP}(?:信息|名称|名字)?(?:没有?|未|不)(?:变|改)|没有?(?:变|改)(?:过)?${MP}|(?:${MP}|app)(?: info| name)? (?:didn['’]?t|did not|hasn['’]?t|has not|not|never) chang|same (?:name|${MP})`,
);
// "both" only as an answer, not in "do both people get the SMS".
const BOTH = /(?:都|全)(?:改|变)|两个都(?!没|不)|两者都(?!没|不)|^\W*both\b|\bboth (?:changed|of them|were|have)|chang\w* both/;
const NEITHER = /都没(?:改|变)|没有?改|没变|什么都没|nothing (?:has )?changed|no changes?\b|(?:didn['’]?t|did not|haven['’]?t) change anything/;
const ONLY = /只|仅|\bonly\b/;

function extractChanges(s: string): Entities['changes'] {
  const subjectNo = SUBJECT_UNCHANGED.test(s);
  const appNo = APP_UNCHANGED.test(s);
  if (BOTH.test(s)) return { subject: true, app: true };
  if (!subjectNo && !appNo && NEITHER.test(s)) return { subject: false, app: false };
  let subject = subjectNo ? false : SUBJECT.test(s) ? true : undefined;
  let app = appNo ? false : APP.test(s) ? true : undefined;
  if (ONLY.test(s)) {
    if (subject && app === undefined) app = false;
    if (app && subject === undefined) subject = false;
  }
  if (subject === undefined && app === undefined) return undefined;
  return { ...(subject !== undefined && { subject }), ...(app !== undefined && { app }) };
}

// ---------------------------------------------------------------------------------------------
// Time. Works on the digitized text; Asia/Shanghai is UTC+8 all year.

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Shanghai wall-clock time `h:m`, `dayOffset` days from today (in Shanghai), as a UTC instant. */
function shanghai(now: Date, dayOffset: number, h: number, m: number): Date {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  const utc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayOffset, h, m);
  return new Date(utc - SHANGHAI_OFFSET_MS);
}

// Day words; 昨 alone covers 昨天, 昨晚, 昨日.
const DAYS: Array<[RegExp, number]> = [
  [/前天|day before yesterday/, -2],
  [/昨|yesterday|last night/, -1],
  [/(?<!至|如)今|today|this (?:morning|afternoon|evening)|tonight/, 0],
];
// [pattern, hour on the 24 h clock, hour assumed when only a day and a period are given].
const PERIODS: Array<[RegExp, (h: number) => number, number]> = [
  [/凌晨|半夜|midnight|early morning/, (h) => h % 12, 2],
  [/早|晨|上午|morning|\ba\.?m\b/, (h) => h % 12, 9],
  [/中午|noon/, (h) => (h <= 5 ? h + 12 : h), 12],
  [/下午|afternoon|\bp\.?m\b/, (h) => (h < 12 ? h + 12 : h), 15],
  [/傍晚/, (h) => (h < 12 ? h + 12 : h), 18],
  // 晚上12点 is midnight at the end of that day.
  [/晚|夜|evening|night/, (h) => (h < 12 ? h + 12 : h === 12 ? 24 : h), 20],
];
// Numbers are bounded (\d{1,3} after a non-digit) so a long digit run costs linear time, not quadratic.
const ZH_DAY = '今天|今日|昨天|昨日|前天|今|昨|(?<!\\d)\\d{1,3}\\s*天(?:之|以)?前';
const ZH_PERIOD = '凌晨|半夜|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|晚|早';
// Message-wide period words: only unambiguous ones (a lone 早 / 晚 counts only next to the hour).
const ANY_PERIOD = /凌晨|半夜|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|昨晚|今早|今晚|morning|afternoon|evening|night|noon|midnight/;

// Clock times. Each needs an hour marker: 点 / 时, hh:mm, am / pm, o'clock, or "at N".
const ZH_CLOCK = new RegExp(
  `(?:(?<day>${ZH_DAY})\\s*)?(?:(?<period>${ZH_PERIOD})\\s*)?(?:大概|大约|差不多|约|在)?(?<![\\d.])(?<h>\\d{1,2})\\s*` +
    `(?:[点时](?:\\s*(?:(?<half>半)|(?<quarter>\\d)\\s*刻|(?<m>\\d{1,2})(?!\\s*(?:分钟|个|小时|次))))?|:(?<mm>\\d{2}))` +
    `(?!\\d)(?:\\s*(?<ampm>a\\.?m\\b|p\\.?m\\b))?`,
);
const EN_CLOCK = [
  /\b(?<h>\d{1,2})(?::(?<mm>\d{2}))?\s*(?<ampm>a\.?m\b|p\.?m\b)/,
  /\b(?<h>\d{1,2})\s*o['’]?clock/,
  /\b(?:at|around|about)\s+(?<h>\d{1,2})\b(?![:.]?\d|\s*(?:times|minutes?|mins?|hours?|hrs?|days?|attempts?|tries|%))/,
];
const ZH_AGO = /(?<n>(?<!\d)\d{1,4}|半)(?:\s*个)?(?:\s*(?<half>半))?\s*(?<unit>分钟|分|小时|钟头|天)\s*(?:之|以)?前/;
const ZH_AGO_DAY = /(?<!\d)\d{1,3}\s*天(?:之|以)?前/; // "两天前晚上8点": a day offset for a clock time
const EN_AGO = new RegExp(`\\b(?<n>${EN_NUMBER}|half an?)\\s+(?<unit>minutes?|mins?|hours?|hrs?|days?)\\s+ago\\b`);
const UNIT_MS: Array<[RegExp, number]> = [
  [/分|min/, 60_000],
  [/时|钟头|h/, 3600_000],
  [/天|d/, 86_400_000],
];
const JUST = /刚(?:刚|才|收到|到|来|提交|验证|核验|发|通过|下来|拿到)|\bjust (?:now|got|received|came|arrived|submitted|verified)\b|moments? ago/;
// A lone 早 / 晚 after a day is too loose here (昨天早就提交了); 昨晚 / 今早 are kept whole.
const ZH_DAY_PERIOD = new RegExp(
  `(?<day>今天|今日|昨天|昨日|前天|(?<!\\d)\\d{1,3}\\s*天前)\\s*(?<period>凌晨|半夜|早上|早晨|上午|中午|下午|傍晚|晚上|夜里)|(?<day2>昨晚|昨夜|今早|今晚)`,
);
const EN_DAY_PERIOD = /(?<day>yesterday|today|this)\s+(?<period>morning|afternoon|evening|night)|(?<day2>last night|tonight)/;

function dayOffset(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const ago = /(\d{1,3})\s*天/.exec(word);
  if (ago) return -Number(ago[1]);
  return DAYS.find(([re]) => re.test(word))?.[1];
}
const periodOf = (word: string | undefined) => (word ? PERIODS.find(([re]) => re.test(word)) : undefined);

function extractTime(d: string, now: Date): Date | undefined {
  const clock = ZH_CLOCK.exec(d) ?? EN_CLOCK.map((re) => re.exec(d)).find(Boolean);
  if (clock?.groups) {
    const g = clock.groups;
    const period = periodOf(g.ampm ?? g.period ?? ANY_PERIOD.exec(d)?.[0]);
    const h = period ? period[1](Number(g.h)) : Number(g.h);
    const m = g.half ? 30 : g.quarter ? 15 * Number(g.quarter) : Number(g.m ?? g.mm ?? 0);
    if (h > 24 || m > 59) return undefined;
    const day = dayOffset(g.day) ?? dayOffset(DAYS.map(([re]) => re.exec(d)?.[0]).find(Boolean) ?? ZH_AGO_DAY.exec(d)?.[0]);
    const t = shanghai(now, day ?? 0, h, m);
    // Without a day, a time later than now was yesterday's.
    return day === undefined && t > now ? shanghai(now, -1, h, m) : t;
  }
  const ago = ZH_AGO.exec(d) ?? EN_AGO.exec(d);
  if (ago?.groups) {
    const { n, half, unit } = ago.groups;
    const amount = n === '半' || n.startsWith('half') ? 0.5 : toNumber(n) + (half ? 0.5 : 0);
    const ms = UNIT_MS.find(([re]) => re.test(unit))![1];
    return new Date(now.getTime() - amount * ms);
  }
  const dp = ZH_DAY_PERIOD.exec(d) ?? EN_DAY_PERIOD.exec(d);
  if (dp?.groups) {
    const dayWord = dp.groups.day ?? dp.groups.day2;
    const period = periodOf(dp.groups.period ?? dayWord)!;
    return shanghai(now, dayOffset(dayWord) ?? 0, period[2], 0);
  }
  return JUST.test(d) ? new Date(now.getTime()) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Count of wrong attempts. Works on the digitized text.

// Around a number, these make it a limit, a rule, what is left, or something other than a wrong
// entry (重发了两次 = resent twice, 第一次备案 = a first filing).
const ZH_NOT_COUNT_BEFORE = /(?:剩|还有|还能|只能|可以|能再|只有|最多|超过|满|如果|发|收|提交|申请)[^\d]{0,3}$/;
const ZH_NOT_COUNT_AFTER = /^\s*(?:性|机会|以上|以内|之内|会|以后|之后|后|的话|怎|备案|提交|申请|收|发)/;
const EN_NOT_COUNT_BEFORE = /\b(?:sent|resent|resend|received|submitted|limit|max|maximum|up to|after|more than|over|within)\b[^\d]{0,15}$/;
const EN_NOT_COUNT_AFTER = /^\s*(?:left|remaining|allowed|max)/;
const ERROR_WORD = /错|失败|不对|wrong|fail|incorrect|mistyp|mistake|invalid/;
const RELATIVE = /又|再次|再一次|\bagain\b|\banother\b|\bmore\b/;

// [pattern with the number in group 1 (or a fixed n), needs an error word in the message].
const COUNTS: Array<[RegExp, number | undefined, boolean]> = [
  [/第\s*(\d{1,3})\s*次/g, undefined, false],
  [/(?<!第\s?)(?<!\d)(\d{1,3})\s*[次回遍]/g, undefined, false],
  [
    new RegExp(`\\b(${EN_COUNT_NUMBER})\\s+(?:more\\s+)?(?:wrong\\s+|failed\\s+|bad\\s+|incorrect\\s+)?(?:times?|attempts?|tries|entries)\\b`, 'g'),
    undefined,
    false,
  ],
  // "first time" is left to the filing type.
  [/\b(\d+)(?:st|nd|rd|th)\s+(?:failed |wrong |bad )?(?:attempt|time|try)\b/g, undefined, false],
  [/\b(second|third|fourth|fifth|sixth|seventh)\s+(?:failed |wrong |bad )?(?:attempt|time|try)\b/g, undefined, false],
  [/\b(twice|thrice)\b/g, undefined, false],
  // "once" is also "as soon as".
  [/\b(once)\b/g, undefined, true],
];
// One more wrong entry with no number: 又输错了, typed it wrong again, another wrong one.
const ONE_MORE = [
  /又(?:输|填|打|弄)?错|又(?:验证|核验)?失败|又不对/,
  /\b(?:wrong|failed|incorrect|mistyped)\b[^,.;!?]{0,20}\bagain\b|\bagain\b[^,.;!?]{0,10}\b(?:wrong|failed)|\b(?:another|one more) (?:wrong|failed|bad|incorrect)\b/,
];

function extractCount(d: string): Entities['count'] {
  for (const [re, fixed, needsError] of COUNTS) {
    if (needsError && !ERROR_WORD.test(d)) continue;
    for (const m of d.matchAll(re)) {
      const at = m.index;
      const before = clauseBefore(d, at);
      const after = d.slice(at + m[0].length);
      if (ZH_NOT_COUNT_BEFORE.test(before) || EN_NOT_COUNT_BEFORE.test(before)) continue;
      if (ZH_NOT_COUNT_AFTER.test(after) || EN_NOT_COUNT_AFTER.test(after)) continue;
      const n = fixed ?? toNumber(m[1]);
      if (!n || n > 20) continue; // a phone or order number, not attempts
      return { n, relative: RELATIVE.test(clauseAt(d, at)) };
    }
  }
  return ONE_MORE.some((re) => re.test(d)) ? { n: 1, relative: true } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Stage events. Each table entry lists Chinese then English phrasings of the same report.

const EVENTS: Array<[StageEvent, RegExp[]]> = [
  [
    'submitted',
    [
      /提交(?:了|完|成功|上去|过)|已经?提交|交上去了|提交的(?=\s*(?:$|[,.!?，。！？]))/g,
      /\bsubmitted\b|\bfiled (?:it|the|my)\b|\bapplied\b|\bsent (?:in )?(?:the |my )?application/g,
    ],
  ],
  [
    'preliminary_passed',
    [
      /初审(?:已经?)?(?:通过|过了|成功)|通过了?初审|平台(?:初审|审核)(?:已经?)?通过/g,
      /preliminary (?:review )?(?:has |is |was )?(?:passed|approved|done|ok|text|sms|notice|message|notification)|passed (?:the )?preliminary|(?:platform|initial) review (?:has |is |was )?(?:passed|approved|done)|approved by (?:the )?platform|\bplatform (?:has |just )?(?:approved|passed)\b/g,
    ],
  ],
  [
    'sms_received',
    [
      // A clause-final bare 收到(了) ("昨晚8点收到的") is, in this domain, the MIIT SMS.
      /收到了?[^，。,.!?！？\s]{0,8}?(?:短信|验证码|核验码|简讯)|(?:短信|验证码|核验码)(?:已经?)?(?:来了|到了|收到了)|收到[了的]?(?=\s*(?:$|[,.!?，。！？]))/g,
      /\b(?:got|received|gotten)\s+(?:[a-z0-9]+\s+){0,3}?(?:sms|text|code|message)|\b(?:sms|text|code|message)\b(?:\s+(?!never\b|not\b|still\b|yet\b|hasn|didn|hadn)[a-z0-9]+){0,3}?\s+(?:has\s+|finally\s+)?(?:arrived|came|come)\b/g,
    ],
  ],
  [
    'verified',
    [
      /(?:验证|核验)(?:已经?|已全部)?(?:成功|完成|通过|好了|完了)|已经?(?:验证|核验)(?!失败|不|没)|验完了/g,
      /\bverified\b|\bverification (?:is |was |has been )?(?:done|complete|completed|succeeded|successful|passed|finished)\b/g,
    ],
  ],
  [
    'approved',
    [
      /备案(?:已经?)?(?:成功|通过|下来了)|拿到了?备案号|备案号(?:已经?)?(?:下来|出来)|管局(?:审核)?(?:已经?)?通过|下号了/g,
      /(?<!preliminary (?:review )?|platform (?:review )?)\bapproved\b(?! by (?:the )?platform)|\bgot (?:the |my |an )?(?:filing|icp|beian) (?:number|no)\b/g,
    ],
  ],
  [
    'rejected',
    [
      // 还没通过 is "not passed yet", still under review.
      /驳回|退回|打回|审核失败|被拒|拒绝了|(?<!还)没有?通过|未通过|不通过/g,
      /\b(?:rejected|returned|bounced|denied)\b|\b(?:review|filing|application) (?:has )?failed\b|\bfailed (?:the )?review\b/g,
    ],
  ],
];
// The platform's "preliminary review passed" SMS is not the MIIT one.
const PRELIMINARY_WORDS = /初审|平台审核|preliminary|platform review|initial review/;
const PRELIMINARY_SMS = /(?:初审|平台审核|审核)(?:通过|结果)?的?(?:\s*(?:短信|通知))?\s*$/;

function extractEvents(s: string): StageEvent[] {
  const found = new Set<StageEvent>();
  for (const [event, patterns] of EVENTS) {
    for (const re of patterns) {
      for (const m of s.matchAll(re)) {
        if (isNegated(s, m.index)) continue;
        if (event === 'sms_received' && (PRELIMINARY_SMS.test(clauseBefore(s, m.index)) || PRELIMINARY_WORDS.test(m[0]))) continue;
        found.add(event);
      }
    }
  }
  return STAGE_ORDER.filter((e) => found.has(e));
}

const SMS_NOT_RECEIVED = [
  /(?:没|没有|未)收到|收不到|一直没来|(?:短信|验证码|核验码)(?:还|一直)?没有?(?:来|到|收到)|没有?(?:发|来)(?:过来)?短信/,
  /\bno (?:sms|text|code|message)\b|\b(?:haven['’]?t|hasn['’]?t|have not|has not|didn['’]?t|did not|never|not) (?:yet )?(?:received|receive|got|gotten|get|seen)\b|\bstill waiting for the (?:sms|text|code)\b|\b(?:sms|text|code) (?:never|hasn['’]?t|has not|didn['’]?t) (?:came|come|arrived|arrive)/,
];

import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { findPersonalData, type PersonalData } from '../privacy/mask';
import type { FilingType } from '../state/conversation-state';
import { en } from './lang/en';
import type { DayPeriod, LanguageUnit, Situation, SlotAnswer, StageEvent } from './lang/language-unit';
import { zh } from './lang/zh';

export type { Situation, SlotAnswer, StageEvent } from './lang/language-unit';

/** Whether what a message says happened, did not happen, or is asked about / supposed. */
export type Polarity = 'happened' | 'not' | 'asked';
/** Whether it is about the user's current filing or a background fact (a filing elsewhere or earlier). */
export type Role = 'current' | 'background';

export interface PlatformMention {
  platform: string;
  /** A name of the platform, or only a word that suggests it (小程序, 网站). */
  strength: 'strong' | 'weak';
  polarity: Polarity;
  role: Role;
}

export interface EventMention {
  event: StageEvent;
  polarity: Polarity;
  role: Role;
  /** When it happened, if the clause (or the message) says. */
  time?: Date;
  /** For sms_received: named as the MIIT SMS (12381, 工信部, verification code), or only "an SMS" / "received". */
  source?: 'miit' | 'sms' | 'unspecified';
}

export interface Entities {
  platforms: PlatformMention[];
  /** A platform the bot has no facts for was named (Alipay, Baidu...): a filing exists elsewhere. */
  otherPlatform: boolean;
  /** A filing type named outright (首次备案, new access...). */
  filingType?: FilingType;
  /** One of the four situations of 002 §1, in the user's words. */
  situation?: Situation;
  /** What the application changes (an answer to "what changed?"). */
  changes?: { subject?: boolean; app?: boolean };
  /** The message talks about changing something at all (so a role it names is a change, not a question about the role). */
  aboutChanges: boolean;
  events: EventMention[];
  /** The first point in time the message names. */
  time?: Date;
  /**
   * Wrong attempts: absolute ("第五次", "4 times") or added to the count before ("又", "again");
   * `supposed` when the message imagines it ("如果再错第6次") rather than reports it.
   */
  count?: { n: number; relative: boolean; supposed: boolean };
  /** The message quotes what a page or the system says ("提示…", "it says…"): a prompt to explain. */
  systemSays: boolean;
  /** The message says what went wrong ("打不开", "超时", "missed the window"): a problem to solve. */
  trouble: boolean;
  /** The message complains that something still hasn't happened ("还是", "still"): a problem to answer, not a report. */
  complaint: boolean;
  /** The whole message is a short answer (yes / no / both / neither / not sure). */
  slotAnswer?: SlotAnswer;
  /** What a question about the user's own situation asks for. */
  asks: { time: boolean; attempts: boolean; stage: boolean; own: boolean; recipient: boolean };
  isQuestion: boolean;
  forget: boolean;
  endHandoff: boolean;
  /** The user asks for a deadline reminder ("提醒我") or to stop them ("别提醒我"); stop wins. */
  reminder?: 'request' | 'stop';
  /** A bare pick of a numbered suggestion (1-3). */
  choice?: number;
  /** Counts and masked forms of the personal data the message carries. */
  personal: PersonalData;
}

const UNITS: LanguageUnit[] = [zh, en];
const CJK = /[\u3400-\u9fff]/;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An alternation of words; Latin words get word boundaries so "qq" doesn't match inside other words. */
function wordsPattern(words: string[]): RegExp | undefined {
  if (!words.length) return undefined;
  const alts = [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => (CJK.test(w) ? escape(w.toLowerCase()) : `\\b${escape(w.toLowerCase()).replace(/ /g, ' ?')}\\b`));
  return new RegExp(alts.join('|'));
}

/** The platform words of intents/platforms.yaml as patterns, built once per knowledge base. */
export interface PlatformLexicon {
  strong: Array<{ platform: string; re: RegExp }>;
  weak: Array<{ platform: string; re: RegExp }>;
  other?: RegExp;
}

export function buildPlatformLexicon(kb: Pick<KnowledgeBase, 'platforms' | 'otherPlatforms'>): PlatformLexicon {
  const strong: PlatformLexicon['strong'] = [];
  const weak: PlatformLexicon['weak'] = [];
  for (const [platform, def] of Object.entries(kb.platforms)) {
    const s = wordsPattern([...def.mentions.zh, ...def.mentions.en]);
    const w = wordsPattern([...def.weak.zh, ...def.weak.en]);
    if (s) strong.push({ platform, re: s });
    if (w) weak.push({ platform, re: w });
  }
  return { strong, weak, other: wordsPattern([...kb.otherPlatforms.zh, ...kb.otherPlatforms.en]) };
}

// Clause boundaries: punctuation, a space between two Chinese characters (voice input and quick
// typing separate clauses with spaces), and contrast words ("初审通过了，但短信还没来").
const CLAUSE_SPLIT = /[,;!?，。；！？\n]+|\.(?= |$)|(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])|但是|不过|可是|\bbut\b|\bhowever\b/g;

interface Clause {
  text: string;
  /** Numerals as digits, for times and counts. */
  digits: string;
  question: boolean;
  /** The time the clause names (null: none), once read: events and the message's time both ask. */
  time?: Date | null;
}

function clausesOf(s: string): Clause[] {
  return s
    .split(CLAUSE_SPLIT)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((text) => ({ text, digits: digitsOf(text), question: UNITS.some((u) => u.question.test(text)) }));
}

const digitsOf = (s: string) => en.digitize(zh.digitize(s));

/** How much text before a match the negation cues look at: enough for "还一直没有", bounded so tests stay cheap. */
const BEFORE_WINDOW = 24;

function polarityAt(unit: LanguageUnit, clause: Clause, index: number): Polarity {
  const before = clause.text.slice(Math.max(0, index - BEFORE_WINDOW), index);
  if (unit.negationBefore.test(before)) return 'not';
  return clause.question ? 'asked' : 'happened';
}

// ---------------------------------------------------------------------------------------------
// Time, in Beijing time (UTC+8 all year), relative to the message time.

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Shanghai wall-clock time h:m, `dayOffset` days from the message's day (in Shanghai), as an instant. */
function shanghai(now: Date, dayOffset: number, h: number, m: number): Date {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayOffset, h, m) - SHANGHAI_OFFSET_MS);
}

// [hour on the 24 h clock given the hour said, hour assumed when only the part of the day is given].
const PERIOD_HOURS: Record<DayPeriod, [(h: number) => number, number]> = {
  small_hours: [(h) => h % 12, 2],
  morning: [(h) => h % 12, 9],
  noon: [(h) => (h <= 5 ? h + 12 : h), 12],
  afternoon: [(h) => (h < 12 ? h + 12 : h), 15],
  dusk: [(h) => (h < 12 ? h + 12 : h), 18],
  // 晚上12点 is midnight at the end of that day.
  evening: [(h) => (h < 12 ? h + 12 : h === 12 ? 24 : h), 20],
};

function periodOf(word: string | undefined): DayPeriod | undefined {
  if (!word) return undefined;
  for (const u of UNITS) for (const [re, p] of u.time.periods) if (re.test(word)) return p;
  return undefined;
}

function dayOffsetOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const ago = /(\d{1,2}) ?天/.exec(word);
  if (ago) return -Number(ago[1]);
  for (const u of UNITS) for (const [re, d] of u.time.days) if (re.test(word)) return d;
  return undefined;
}

/** A point in time the clause names; `whole` (the message) supplies a day or part of the day the clause leaves out. */
/** timeIn() of a clause, read once per message (`whole` and `now` are the message's). */
function clauseTime(clause: Clause, whole: string, now: Date): Date | undefined {
  if (clause.time === undefined) clause.time = timeIn(clause.digits, whole, now) ?? null;
  return clause.time ?? undefined;
}

function timeIn(d: string, whole: string, now: Date): Date | undefined {
  for (const u of UNITS) {
    const clocks = Array.isArray(u.time.clock) ? u.time.clock : [u.time.clock];
    for (const re of clocks) {
      const g = re.exec(d)?.groups;
      if (!g) continue;
      const period = periodOf(g.ampm ?? g.period ?? u.time.anyPeriod.exec(d)?.[0] ?? u.time.anyPeriod.exec(whole)?.[0]);
      const hour = Number(g.h);
      const h = period ? PERIOD_HOURS[period][0](hour) : hour;
      const m = g.half ? 30 : g.quarter ? 15 * Number(g.quarter) : Number(g.m ?? g.mm ?? 0);
      if (h > 24 || m > 59) continue;
      const day = dayOffsetOf(g.day) ?? dayWord(d) ?? dayWord(whole);
      // "1点25收到的" said at 13:40 is 13:25, not 01:25: with no day and no part of the day, an hour
      // on the 12-hour clock whose afternoon reading today is already past means that one.
      if (!period && day === undefined && h >= 1 && h < 12) {
        const afternoon = shanghai(now, 0, h + 12, m);
        if (afternoon <= now) return afternoon;
      }
      const t = shanghai(now, day ?? 0, h, m);
      // Without a day, a time later than now was yesterday's.
      return day === undefined && t > now ? shanghai(now, -1, h, m) : t;
    }
  }
  for (const u of UNITS) {
    const g = u.time.ago.exec(d)?.groups;
    if (!g) continue;
    const amount = g.n === '半' ? 0.5 : Number(g.n) + (g.half ? 0.5 : 0);
    const unit = u.time.units.find(([re]) => re.test(g.unit));
    if (unit && Number.isFinite(amount)) return new Date(now.getTime() - amount * unit[1]);
  }
  for (const u of UNITS) {
    const g = u.time.dayPeriod.exec(d)?.groups;
    if (!g) continue;
    const dayWordFound = g.day ?? g.day2;
    const period = periodOf(g.period ?? dayWordFound);
    if (period) return shanghai(now, dayOffsetOf(dayWordFound) ?? 0, PERIOD_HOURS[period][1], 0);
  }
  return UNITS.some((u) => u.time.just.test(d)) ? new Date(now.getTime()) : undefined;
}

function dayWord(text: string): number | undefined {
  for (const u of UNITS) {
    for (const [re, d] of u.time.days) {
      const m = re.exec(text);
      if (m) return d === 0 && /\d/.test(m[0]) ? dayOffsetOf(m[0]) : d;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wrong attempts.

function countIn(d: string): Omit<NonNullable<Entities['count']>, 'supposed'> | undefined {
  for (const u of UNITS) {
    const p = u.countPatterns;
    for (const [re, ordinal] of [
      [p.ordinal, true],
      [p.plain, false],
    ] as const) {
      for (const m of d.matchAll(re)) {
        const at = m.index;
        const before = d.slice(Math.max(0, at - 20), at);
        const after = d.slice(at + m[0].length, at + m[0].length + 12);
        if (UNITS.some((x) => x.countPatterns.notCountBefore.test(before) || x.countPatterns.notCountAfter.test(after))) continue;
        const n = Number(m[1]);
        if (!n || n > 20) continue; // a phone or order number, not attempts
        // "第五次" / "5th time" is the count itself, even after 又 ("又错了 这是第五次了").
        if (ordinal) return { n, relative: false };
        return { n, relative: UNITS.some((x) => x.countPatterns.relative.test(d)) };
      }
    }
  }
  if (UNITS.some((u) => u.countPatterns.oneMore.test(d))) return { n: 1, relative: true };
  // "entered it wrong once": a bare once needs an error word.
  if (/\bonce\b/.test(d) && UNITS.some((u) => u.countPatterns.errorWord.test(d))) return { n: 1, relative: false };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Filing type, situation, changes.

function changesIn(s: string): Entities['changes'] {
  for (const u of UNITS) {
    const c = u.changes;
    const subjectNo = c.subjectUnchanged.test(s);
    const appNo = c.appUnchanged.test(s);
    if (c.both.test(s)) return { subject: true, app: true };
    if (!subjectNo && !appNo && c.neither.test(s)) return { subject: false, app: false };
    let subject = subjectNo ? false : c.subject.test(s) ? true : undefined;
    let app = appNo ? false : c.app.test(s) ? true : undefined;
    if (c.only.test(s)) {
      if (subject && app === undefined) app = false;
      if (app && subject === undefined) subject = false;
    }
    if (subject !== undefined || app !== undefined) return { ...(subject !== undefined && { subject }), ...(app !== undefined && { app }) };
  }
  return undefined;
}

function situationIn(clauses: Clause[]): Situation | undefined {
  // List order is priority: a rename or a same-name filing elsewhere decides more than "filed before",
  // and "filed a website before" beats "first time on Douyin".
  const found = new Set<Situation>();
  for (const u of UNITS) {
    for (const clause of clauses) {
      for (const [situation, re] of u.situations) {
        const m = re.exec(clause.text);
        if (!m) continue;
        const negated = polarityAt(u, clause, m.index) === 'not';
        // "从没备过" is a first filing, not a filing before.
        found.add(situation === 'filed_before' && negated ? 'first_ever' : situation);
      }
    }
  }
  const order: Situation[] = ['renamed', 'same_name_elsewhere', 'filed_before', 'first_ever'];
  return order.find((s) => found.has(s));
}

// ---------------------------------------------------------------------------------------------
// Platforms and stage events, clause by clause.

// Each unit's role and field terms, global, built once (replace() starts a global pattern afresh each call).
const NOT_A_PLATFORM = UNITS.map((u) => new RegExp(u.notAPlatform.source, 'g'));

function platformsIn(clauses: Clause[], lexicon: PlatformLexicon): { mentions: PlatformMention[]; other: boolean } {
  const mentions: PlatformMention[] = [];
  let other = false;
  for (const clause of clauses) {
    const background = UNITS.some((u) => u.background.test(clause.text));
    other ||= lexicon.other?.test(clause.text) ?? false;
    const add = (platform: string, strength: 'strong' | 'weak', index: number) => {
      const unit = CJK.test(clause.text.slice(index, index + 1)) ? zh : en;
      mentions.push({ platform, strength, polarity: polarityAt(unit, clause, index), role: background ? 'background' : 'current' });
    };
    for (const { platform, re } of lexicon.strong) {
      const m = re.exec(clause.text);
      if (m) add(platform, 'strong', m.index);
    }
    // 小程序负责人 / 网站信息 name a role or a field, not a platform.
    const withoutRoles = NOT_A_PLATFORM.reduce((t, re) => t.replace(re, ' '), clause.text);
    for (const { platform, re } of lexicon.weak) {
      const m = re.exec(withoutRoles);
      if (m) add(platform, 'weak', m.index);
    }
  }
  // A message naming two platforms, one of them as the filing now ("这次抖音..."), makes the others background.
  const current = clauses.filter((c) => UNITS.some((u) => u.currentFiling.test(c.text)));
  if (current.length && new Set(mentions.filter((m) => m.strength === 'strong').map((m) => m.platform)).size > 1) {
    const nowPlatforms = new Set<string>();
    for (const c of current) for (const { platform, re } of lexicon.strong) if (re.test(c.text)) nowPlatforms.add(platform);
    for (const m of mentions) if (m.strength === 'strong' && !nowPlatforms.has(m.platform)) m.role = 'background';
  }
  return { mentions, other };
}

// Each unit's stage-event patterns as a list, made once (not an Object.entries array per clause).
const EVENT_PATTERNS = new Map(UNITS.map((u) => [u, Object.entries(u.events) as Array<[StageEvent, RegExp]>]));

function eventsIn(clauses: Clause[], whole: string, now: Date, lexicon: PlatformLexicon, mentions: PlatformMention[]): EventMention[] {
  const events: EventMention[] = [];
  const backgroundPlatforms = new Set(mentions.filter((m) => m.role === 'background').map((m) => m.platform));
  let previousAboutSms = false;
  for (const clause of clauses) {
    const time = clauseTime(clause, whole, now);
    // A clause about another platform's filing, or an earlier one, reports nothing about this filing.
    const aboutBackground =
      lexicon.strong.some(({ platform, re }) => backgroundPlatforms.has(platform) && re.test(clause.text)) ||
      (lexicon.other?.test(clause.text) ?? false) ||
      UNITS.some((u) => u.elsewhere.test(clause.text));
    const role: Role = aboutBackground ? 'background' : 'current';
    const found: EventMention[] = [];
    for (const u of UNITS) {
      for (const [event, re] of EVENT_PATTERNS.get(u)!) {
        const m = re.exec(clause.text);
        if (!m) continue;
        const polarity = polarityAt(u, clause, m.index);
        if (event === 'sms_received') {
          const what = smsKind(clause.text);
          if (what === 'other') continue;
          // "收到初审通过的通知": the platform's notice, which means its preliminary review passed.
          if (what === 'notice') {
            if (polarity === 'happened') found.push({ event: 'preliminary_passed', polarity, role, time });
            continue;
          }
          found.push({ event, polarity, role, time, source: what });
          continue;
        }
        found.push({ event, polarity, role, time });
      }
      if (SMS_NOT_RECEIVED[u.id].test(clause.text) && smsKind(clause.text) !== 'other' && smsKind(clause.text) !== 'notice') {
        found.push({ event: 'sms_received', polarity: 'not', role, source: 'miit' });
      }
    }
    // "现在都下午3点了还没有": a bare negation right after talk of the SMS or the notice.
    if (!found.length && previousAboutSms && UNITS.some((u) => u.ellipticNegation.test(clause.text))) {
      found.push({ event: 'sms_received', polarity: 'not', role, source: 'miit' });
    }
    previousAboutSms = UNITS.some((u) => u.smsWord.test(clause.text) || u.platformNotice.test(clause.text));
    // Keep one mention per event and clause, preferring what happened over what was asked.
    for (const e of found) {
      const same = events.find((x) => x.event === e.event && x.role === e.role && x.polarity === e.polarity);
      if (same) same.time ??= e.time;
      else events.push(e);
    }
  }
  // A time said in a clause of its own ("短信收到了 今天上午10点") belongs to the event that has none.
  const loose = clauses.map((c) => clauseTime(c, whole, now)).find((t) => t !== undefined);
  for (const e of events) if (e.polarity === 'happened' && !e.time && loose) e.time = loose;
  return events;
}

// Not received, as one word or phrase: 收不到 / 没收到 / "never came" (the negation is inside the word).
const SMS_NOT_RECEIVED: Record<'zh' | 'en', RegExp> = {
  zh: /收不到|收不着|没(?:有)?收到|未收到|(?:短信|验证码|核验码|校验码|信息)(?:还|一直|都|也)?(?:没有?|未)(?:来|到|收到|发)|(?:短信|验证码|核验码|校验码)(?:就是|死活|总是|老是|迟迟|还是|都)不(?:来|过来|下来)|一直没(?:有)?(?:来|到|收到)|还没(?:有)?(?:来|到|收到)|没(?:有)?(?:发|来)(?:过来)?(?:短信|验证码)|发不过来|没动静|(?:短信|验证码|核验码)[^ ]{0,6}(?:都|也|还)没(?:有)?(?:来|到|收到|(?= ?$))/,
  en: /\bno (?:sms|text|code|message)\b|\b(?:never|not) (?:came|arrived|got|get|coming|arriving|received)\b|\b(?:hasn['’]?t|has not|haven['’]?t|have not|didn['’]?t|did not) (?:come|arrived|arrive|got|gotten|get|received|receive|seen)\b|\bstill waiting for (?:the |an? )?(?:sms|text|code)\b|\b(?:isn['’]?t|is not|aren['’]?t|wasn['’]?t) (?:coming|arriving|showing up)\b|\bnothing (?:from|came|arrived)\b/,
};

/** What a clause's "received" is about. */
function smsKind(text: string): 'miit' | 'sms' | 'unspecified' | 'notice' | 'other' {
  if (UNITS.some((u) => u.otherSms.test(text))) return 'other';
  const miit = UNITS.some((u) => u.miitSms.test(text));
  const notice = UNITS.some((u) => u.platformNotice.test(text));
  if (notice && !miit) return 'notice';
  if (miit) return 'miit';
  return UNITS.some((u) => u.smsWord.test(text)) ? 'sms' : 'unspecified';
}

// ---------------------------------------------------------------------------------------------

/**
 * Everything the dialogue can use from one message, read once. `simplified` is the normaliser's
 * output (Simplified, lower-case, whitespace collapsed); `raw` is the message as typed (personal
 * data and bare picks are read from it); `now` is the message time.
 */
export function extractEntities(raw: string, simplified: string, now: Date, lexicon: PlatformLexicon): Entities {
  const clauses = clausesOf(simplified);
  const { mentions, other } = platformsIn(clauses, lexicon);
  const whole = digitsOf(simplified);
  const bare = simplified
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  const trimmed = raw.normalize('NFKC').trim().toLowerCase();
  const out: Entities = {
    platforms: mentions,
    otherPlatform: other,
    aboutChanges: UNITS.some((u) => u.changes.changeWord.test(simplified)),
    events: eventsIn(clauses, whole, now, lexicon, mentions),
    asks: {
      time: UNITS.some((u) => u.asks.time.test(simplified)),
      attempts: UNITS.some((u) => u.asks.attempts.test(simplified)),
      stage: UNITS.some((u) => u.asks.stage.test(simplified)),
      own: UNITS.some((u) => u.asks.own.test(simplified)),
      recipient: UNITS.some((u) => u.asks.recipient.test(simplified)),
    },
    isQuestion: clauses.some((c) => c.question),
    complaint: UNITS.some((u) => u.complaint.test(simplified)),
    systemSays: UNITS.some((u) => u.systemSays.test(simplified)),
    trouble: UNITS.some((u) => u.trouble.test(simplified)),
    forget: UNITS.some((u) => u.forget.test(simplified)),
    endHandoff: UNITS.some((u) => u.endHandoff.test(simplified)),
    personal: findPersonalData(raw),
  };
  if (UNITS.some((u) => u.reminder.stop.test(simplified))) out.reminder = 'stop';
  else if (UNITS.some((u) => u.reminder.request.test(simplified)) && !UNITS.some((u) => u.reminder.aside.test(simplified))) out.reminder = 'request';
  for (const u of UNITS) {
    const type = u.filingTypes.find(([, re]) => re.test(simplified))?.[0];
    if (type) {
      out.filingType = type;
      break;
    }
  }
  const situation = situationIn(clauses);
  if (situation) out.situation = situation;
  const changes = changesIn(simplified);
  if (changes) out.changes = changes;
  const time = clauses.map((c) => clauseTime(c, whole, now)).find((t) => t !== undefined);
  if (time) out.time = time;
  const count = countIn(whole);
  if (count) out.count = { ...count, supposed: UNITS.some((u) => u.countPatterns.hypothetical.test(simplified)) };
  for (const u of UNITS) {
    const answer = u.slotAnswers.find(([, re]) => re.test(bare))?.[0];
    if (answer) {
      out.slotAnswer = answer;
      break;
    }
  }
  for (const u of UNITS) {
    const pick = u.choice.exec(trimmed);
    if (pick) {
      out.choice = { 1: 1, 2: 2, 3: 3, 一: 1, 二: 2, 三: 3 }[pick[1]];
      break;
    }
  }
  return out;
}

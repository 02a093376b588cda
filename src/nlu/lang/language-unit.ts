import type { FilingType } from '../../state/conversation-state';

/** Reports of where the filing is; each moves the stage (or sets the SMS time). */
export const STAGE_EVENTS = [
  'submitted',
  'platform_review',
  'preliminary_passed',
  'sms_received',
  'verified',
  'bureau_review',
  'approved',
  'rejected',
] as const;
export type StageEvent = (typeof STAGE_EVENTS)[number];

/** Douyin's four cases of who gets the SMS (002 §1), which WeChat users describe the same way. */
export type Situation = 'first_ever' | 'filed_before' | 'same_name_elsewhere' | 'renamed';
export type SlotAnswer = 'yes' | 'no' | 'both' | 'neither' | 'unsure';
export type DayPeriod = 'small_hours' | 'morning' | 'noon' | 'afternoon' | 'dusk' | 'evening';

/**
 * What one language contributes to understanding a message: its patterns and cue words. The
 * entity extractor runs every unit over the (normalised) message, so a mixed message is read by
 * both; each unit's patterns only match its own script. Patterns run on simplified, lower-case
 * text with whitespace collapsed, and must run in linear time.
 */
export interface LanguageUnit {
  id: 'zh' | 'en';
  /** Number words to digits ("两个小时" -> "2个小时", "three times" -> "3 times"), for times and counts. */
  digitize(s: string): string;
  time: {
    /** Clock times; groups day, period, h, half, quarter, m, mm, ampm. */
    clock: RegExp | RegExp[];
    /** "10 minutes ago"; groups n, half, unit. */
    ago: RegExp;
    /** A day and a part of it with no clock time; groups day, period, day2. */
    dayPeriod: RegExp;
    /** A part of the day anywhere in the message, to place a bare clock time. */
    anyPeriod: RegExp;
    /** "just now". */
    just: RegExp;
    /** Day words and their offset from today (0 with a number means "N days ago", read from the text). */
    days: Array<[RegExp, number]>;
    periods: Array<[RegExp, DayPeriod]>;
    units: Array<[RegExp, number]>;
  };
  /** Tested on the few characters / words before a verb: the verb is negated. */
  negationBefore: RegExp;
  /** Tested on a whole clause: it is only a negation of something said before ("还没有"). */
  ellipticNegation: RegExp;
  /** Tested on a whole clause: it asks or supposes rather than reports. */
  question: RegExp;
  events: Record<StageEvent, RegExp>;
  /** Markers of what a "received" is about. */
  miitSms: RegExp;
  platformNotice: RegExp;
  otherSms: RegExp;
  smsWord: RegExp;
  /** A clause about a filing that exists elsewhere or earlier, not the user's current one. */
  background: RegExp;
  /** A clause about another or an earlier filing ("以前", "同名的", "on the other platform"): what it reports is background. */
  elsewhere: RegExp;
  /** A clause about the filing the user is doing now. */
  currentFiling: RegExp;
  /** Compound terms where a weak platform word names a role or a field. */
  notAPlatform: RegExp;
  filingTypes: Array<[FilingType, RegExp]>;
  situations: Array<[Situation, RegExp]>;
  changes: {
    subject: RegExp;
    app: RegExp;
    subjectUnchanged: RegExp;
    appUnchanged: RegExp;
    both: RegExp;
    neither: RegExp;
    only: RegExp;
    /** The message talks about changing something at all. */
    changeWord: RegExp;
  };
  /** Whole-message short answers to a question the bot asked. */
  slotAnswers: Array<[SlotAnswer, RegExp]>;
  /** What a question about the user's own situation asks for. */
  asks: {
    time: RegExp;
    attempts: RegExp;
    stage: RegExp;
    /** About the user's own case ("我还剩", "do I have left"), not the rule in general. */
    own: RegExp;
    /** To whom the SMS goes ("发谁", "whose phone"), as opposed to who sends it or when. */
    recipient: RegExp;
  };
  countPatterns: {
    /** "第五次", "5th time": the count itself. Global, number in group 1. */
    ordinal: RegExp;
    /** "3次", "3 times". Global, number in group 1. */
    plain: RegExp;
    notCountBefore: RegExp;
    notCountAfter: RegExp;
    errorWord: RegExp;
    /** "又", "again", "more": the number adds to the count before. */
    relative: RegExp;
    /** One more wrong entry with no number. */
    oneMore: RegExp;
    /** A supposed count, not a reported one ("如果再错第6次", "what if I try a 6th time"). */
    hypothetical: RegExp;
  };
  /** Words of a complaint that something takes too long or keeps failing ("还是", "still"): a problem, not a report. */
  complaint: RegExp;
  /**
   * A leading correction ("不是收不到，是收到了不会填"): the part it denies, up to where the real
   * statement starts, which the classifier should not read. Tested on the normalised text.
   */
  correction?: RegExp;
  /** The message quotes what a page or the system says ("提示…", "it says…"). */
  systemSays: RegExp;
  /** The message says what went wrong ("打不开", "超时", "missed the window"). */
  trouble: RegExp;
  forget: RegExp;
  endHandoff: RegExp;
  /** Asking for a deadline reminder, or to stop them (checked first: "别提醒我" contains "提醒我"). */
  reminder: {
    request: RegExp;
    stop: RegExp;
    /** "提醒" that isn't a request to the bot: the system's prompt ("系统提醒我信息不一致"), "remind me how ...". */
    aside: RegExp;
  };
  /** A bare pick of a numbered suggestion; the number in group 1. */
  choice: RegExp;
}

import type { LanguageUnit } from './language-unit';

// English. Patterns run on lower-case text with whitespace collapsed to single spaces; none nests or
// chains unbounded quantifiers, so each runs in linear time.

const NUMBERS: Record<string, number> = {
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
  eleven: 11,
  twelve: 12,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
};
const NUMBER_WORD = new RegExp(`\\b(${Object.keys(NUMBERS).join('|')})\\b`, 'g');
// "an hour ago", "a couple of hours ago": the article is a number only before a unit.
const ARTICLE_UNIT = /\b(?:an?|a couple of|couple of)(?= (?:minutes?|mins?|hours?|hrs?|days?)\b)/g;
const ARTICLE_VALUE: Record<string, string> = { a: '1', an: '1', 'a couple of': '2', 'couple of': '2' };

/** Number words to digits: "three times" -> "3 times", "fifth time" -> "5th time", "an hour ago" -> "1 hour ago". */
function digitize(s: string): string {
  // Every pattern below needs a lower-case ASCII letter: text without one (most Chinese clauses) is left as it is.
  if (!/[a-z]/.test(s)) return s;
  return (
    s
      .replace(/\bhalf an? (?=hour)/g, '0.5 ')
      // "twice" is a count of times; "once" stays a word (it is also "as soon as").
      .replace(/\btwice\b/g, '2 times')
      .replace(/\bthrice\b/g, '3 times')
      .replace(ARTICLE_UNIT, (w) => ARTICLE_VALUE[w])
      .replace(NUMBER_WORD, (w) => {
        const n = NUMBERS[w];
        if (['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh'].includes(w)) return `${n}th`;
        return String(n);
      })
  );
}

export const en: LanguageUnit = {
  id: 'en',
  digitize,
  time: {
    clock: [
      /\b(?<h>\d{1,2})(?::(?<mm>\d{2}))? ?(?<ampm>a\.?m\b|p\.?m\b)/,
      /\b(?<h>\d{1,2}) ?o['’]?clock/,
      /\b(?:at|around|about) (?<h>\d{1,2})(?::(?<mm>\d{2}))?\b(?![:.]?\d| ?(?:times|minutes?|mins?|hours?|hrs?|days?|attempts?|tries|%))/,
    ],
    ago: /\b(?<n>\d{1,3}(?:\.5)?) (?<unit>minutes?|mins?|hours?|hrs?|days?) ago\b/,
    dayPeriod: /(?<day>yesterday|today|this) (?<period>morning|afternoon|evening|night)|(?<day2>last night|tonight)/,
    anyPeriod: /morning|afternoon|evening|night|noon|midnight/,
    just: /\bjust (?:now|got|received|came|arrived|submitted|verified)\b|moments? ago/,
    days: [
      [/day before yesterday/, -2],
      [/yesterday|last night/, -1],
      [/today|this (?:morning|afternoon|evening)|tonight/, 0],
    ],
    periods: [
      [/midnight|early morning/, 'small_hours'],
      [/morning|\ba\.?m\b/, 'morning'],
      [/noon/, 'noon'],
      [/afternoon|\bp\.?m\b/, 'afternoon'],
      [/evening|night/, 'evening'],
    ],
    units: [
      [/min/, 60_000],
      [/h/, 3_600_000],
      [/d/, 86_400_000],
    ],
  },

  negationBefore:
    /\b(?:not|no|never|cannot|can't|yet to|didn['’]?t|doesn['’]?t|don['’]?t|haven['’]?t|hasn['’]?t|hadn['’]?t|isn['’]?t|wasn['’]?t|aren['’]?t|weren['’]?t|won['’]?t|nothing|nobody|none)\b(?: [a-z']{1,15}){0,2} ?$/,
  ellipticNegation: /^(?:still )?(?:nothing|no sms|no text|no code|not yet|nothing yet|still nothing|no luck)\b/,
  // Auxiliaries ask only at the start of a clause ("is it...", "ok, can I..."); "that is the 5th time" states.
  question:
    /\?|\b(?:how|what|when|where|which|who|whom|whose|why|if|whether|any idea)\b|(?:^|[,.;:!] ?)(?:can|could|does|do|did|is|are|am|should|will|would|have|has)\b/,

  events: {
    submitted: /\bsubmitted\b|\bfiled (?:it|the|my|our)\b|\bapplied\b|\bsent (?:in )?(?:the |my |our )?application/,
    platform_review:
      /\b(?:still )?(?:in|under) (?:the )?(?:platform(?:'s)? )?(?:preliminary |initial )?review\b|\bwaiting for (?:the )?(?:platform(?:'s)? )?(?:preliminary |initial )?review\b/,
    preliminary_passed:
      /preliminary (?:review )?(?:has |is |was )?(?:passed|approved|done|ok)|passed (?:the |their |its )?(?:preliminary|initial|platform) review|passed (?:their|its) review|(?:platform|initial|preliminary)(?:'s)? review (?:has |is |was )?(?:passed|approved|done|through)|approved by (?:the )?platform|\bplatform (?:has |just )?(?:approved|passed)\b|preliminary (?:review )?(?:notice|sms|text|message|notification)/,
    sms_received:
      /\b(?:got|received|gotten|get|receive|getting)\b(?: [a-z0-9'’]{1,15}){0,4}? (?:sms|text|texts|code|codes|message|it|one|anything|verification)\b|\b(?:sms|text|code|message)\b(?: (?!never\b|not\b|still\b|yet\b|hasn|didn|hadn|won)[a-z0-9]{1,15}){0,3}? (?:has |finally |just )?(?:arrived|came|come|showed up)\b|\b12381 (?:texted|sent)/,
    verified:
      /\bverified\b|\bverification (?:is |was |has been )?(?:done|complete|completed|succeeded|successful|passed|finished)\b|\b(?:did|done|finished|completed) (?:the )?verification\b/,
    bureau_review: /\b(?:shows?|still|status is|stuck (?:in|at|on)) (?:at |in )?(?:the )?(?:provincial |bureau )?(?:bureau )?review\b|管局审核中/,
    approved:
      /(?<!preliminary (?:review )?|platform (?:review )?)\bapproved\b(?! by (?:the )?platform)|\bgot (?:the |my |our |an )?(?:filing|icp|beian) (?:number|no)\b/,
    rejected: /\b(?:rejected|returned|bounced|denied)\b|\b(?:review|filing|application) (?:has )?failed\b|\bfailed (?:the )?review\b/,
  },
  miitSms: /\b(?:12381|miit|verification (?:sms|text|code|message)|sms code|the code|a code|new code|verification)\b|工信部|核验/,
  platformNotice: /\b(?:preliminary|initial|platform(?:'s)?|their) (?:review )?(?:notice|notification|sms|text|message|review)\b|\bnotice\b/,
  otherSms: /\b(?:other|normal) (?:texts|sms|messages)\b|\btexts from (?:others|other people)\b/,
  smsWord: /\b(?:sms|text|texts|code|message)\b/,

  background:
    /\b(?:before|previously|earlier|years ago|long ago|in the past|back then|at the time|last time|already (?:filed|has|have|had|got)|(?:has|have|had) (?:a |an )?(?:filing|record)|same (?:name|entity|subject|company|mini program)|other platforms?|another platform|elsewhere|over there|on the other side)\b/,
  elsewhere: /\b(?:before|previously|years ago|back then|at the time|last time|same name|other platforms?|another platform|elsewhere|over there)\b/,
  currentFiling: /\b(?:now|this time|currently|right now|we're filing|i'm filing|we are filing|i am filing|also (?:filing|need)|here)\b/,
  notAPlatform: /\b(?:mini ?program|website) (?:owner|person|admin|info|information|name|details|contact)\b/,

  filingTypes: [
    ['cancel_service', /cancel\w{0,3} (?:the |my |our |a )?(?:service|mini ?program|mini ?app|website)/],
    ['cancel_subject', /cancel\w{0,3} (?:the |my |our )?(?:subject|entity)/],
    ['cancel_access', /cancel\w{0,3} (?:the |my |our )?access/],
    ['new_access', /new access|add(?:ing)? access/],
    ['new_app', /(?:new|another|second|additional) (?:mini ?program|mini ?app)|adding a (?:mini ?program|mini ?app)/],
    ['first_filing', /first (?:filing|time filing|ever filing)/],
    ['change', /change filing|filing change|\bchanging (?:the |our |my )?filing/],
  ],
  situations: [
    ['renamed', /\brenam\w{0,3}\b|changed (?:the |its |our )?(?:mini ?program['’]?s |app['’]?s )?name/],
    [
      'same_name_elsewhere',
      /same (?:name|mini ?program)|already (?:filed|registered|has a filing|have a filing|got a filing number) (?:on|with|at|in) |(?:filed|registered) (?:on|with) (?:another|other|a different) platform|filing number (?:on|from) (?:another|other)/,
    ],
    [
      'filed_before',
      /\b(?:filed|registered) (?:a |an |our |the )?(?:website|site|app|mini ?program|quick app|something)? ?(?:before|previously|already|years ago|in the past)\b|\b(?:has|have|had) (?:filed|a filing|filings) (?:before|already)?|\b(?:company|entity) (?:has |have |already )?(?:filed|got filed)\b|\bgot a (?:website|site|app) filed\b/,
    ],
    ['first_ever', /first (?:filing|time|ever)|never filed|no filings?|nothing filed|not filed anything|haven['’]?t filed anything/],
  ],
  changes: {
    subject: /\b(?:subject|entity|company|legal person|organizer|sponsor)\b/,
    app: /\b(?:mini ?program|app|website|site) (?:info|information|details|name|owner|person in charge)\b|\brenam/,
    subjectUnchanged:
      /(?:subject|entity|company)(?: info| information| details)? (?:didn['’]?t|did not|hasn['’]?t|has not|not|never|won['’]?t|will not) chang|same (?:subject|entity|company)/,
    appUnchanged:
      /(?:mini ?program|app|website|site)(?: info| information| details| name)? (?:didn['’]?t|did not|hasn['’]?t|has not|not|never|won['’]?t|will not) chang|same (?:name|mini ?program)/,
    both: /^\W*both\b|\bboth (?:changed|of them|were|have|the|entity|subject)|chang\w{0,3} both/,
    neither:
      /\bneither\b|nothing (?:else )?(?:has )?changed|no changes?\b|nothing else|(?:didn['’]?t|did not|haven['’]?t|hasn['’]?t) change anything|no other changes|none of (?:them|those)|^no\W*$|^none\W*$|^nothing\W*$/,
    only: /\bonly\b|\bjust\b/,
    changeWord: /chang|renam|updat|modif|both|neither|nothing|none|only|\bno\b/,
  },
  slotAnswers: [
    ['neither', /^(?:neither|none|nothing|neither of them|none of them|nothing changed|nothing else|no changes?)$/],
    ['both', /^(?:both|both of them|both changed|all of them)$/],
    ['no', /^(?:no|nope|nah|not really|no thanks)$/],
    [
      'yes',
      /^(?:yes|yeah|yep|yup|sure|ok|okay|please|yes please|yes pls|ok please|sure please|please do|sure thing|sounds good|do it|go ahead|yes thanks|yes thank you|that would be great|absolutely|of course)$/,
    ],
    ['unsure', /\b(?:not sure|don['’]?t know|dunno|no idea|unsure)\b/],
  ],
  asks: {
    time: /\b(?:how long|how much time|how many hours|deadline|time left|hours left|expire|expires|still in time|too late|until when|when does)\b/,
    attempts: /\b(?:how many (?:more )?(?:tries|attempts|times|chances)|tries left|attempts left|chances left|tries (?:do i )?have)\b/,
    stage: /\b(?:which step|what step|where am i|status|stage|next step|what next|what now)\b/,
    recipient: /\bwhose (?:phone|number|mobile)\b|\bwho (?:gets|receives|will get|will receive|has to verify|needs to verify|verifies|should verify)\b/,
    own: /\b(?:left|remaining|still have|do i (?:still )?have|have i got|i have|we have|for me|for us)\b/,
  },
  countPatterns: {
    ordinal: /\b(\d{1,2})(?:st|nd|rd|th) (?:failed |wrong |bad )?(?:attempt|time|try|failure|fail|mistake|error)\b/g,
    plain: /\b(\d{1,2}) (?:more )?(?:wrong |failed |bad |incorrect )?(?:times?|attempts?|tries|entries)\b/g,
    notCountBefore: /\b(?:sent|resent|resend|received|submitted|limit|max|maximum|up to|after|more than|over|within|only|allowed)\b[^\d]{0,15}$/,
    notCountAfter: /^ ?(?:left|remaining|allowed|max)/,
    errorWord: /wrong|fail|incorrect|mistyp|mistake|invalid|error/,
    relative: /\bagain\b|\banother\b|\bmore\b/,
    oneMore:
      /\b(?:wrong|failed|incorrect|mistyped)\b[^,.;!?]{0,20}\bagain\b|\bagain\b[^,.;!?]{0,10}\b(?:wrong|failed)|\b(?:another|1 more) (?:wrong|failed|bad|incorrect)\b/,
    hypothetical: /\bif\b|\bwould\b|\bcan i\b|\bshould i\b|\bwhat happens\b|\bwhat if\b|\bis it ok\b/,
  },
  complaint: /\bstill\b|\bkeeps?\b|\bfor (?:days|hours|a day|over a day|more than)\b|\bover (?:24|a day)\b|\balways\b/,
  systemSays:
    /\b(?:it|page|site|system|screen|error|message|popup|pop-up) (?:says|said|shows|showed|displays|reads)\b|\b(?:says|shows|showing|pops up|popped up|got (?:an? )?(?:error|message|prompt))\b|\bgot ['"“‘]/,
  trouble: /\b(?:missed|broken|expired|timed out|time ?out|too late|stuck|(?:doesn['’]?t|does not|won['’]?t|will not|can['’]?t|cannot) (?:open|load|work))\b/,
  forget:
    /forget (?:about )?me\b|\b(?:delete|erase|wipe|remove|clear|forget) (?:everything|all)(?: (?:you know|you have|you've got|you stored|you keep|stored|saved))?(?: about| on| of| from)? (?:me|us)\b|(?:delete|clear|erase|forget|remove) (?:all )?(?:of )?my (?:data|records?|info|information|history|state|conversation)/,
  reminder: {
    request:
      /\bremind me\b|\b(?:set|schedule|send|give|want|need|get|like)(?: me)? (?:a |the |some )?(?:deadline )?reminders?\b|\breminders? please\b|\b(?:ping|nudge|notify|alert) me before\b/,
    stop: /\b(?:stop|cancel|turn off|disable|no more|no|mute|unsubscribe from) (?:the |my |any |all |these |those )?(?:deadline )?reminders?\b|\b(?:don['’]?t|do not|never|no need to|dont) (?:\w+ )?remind me\b|\bunsubscribe\b/,
    aside: /\bremind me (?:what|how|who|where|which|of)\b|\b(?:system|page|site|platform|it) (?:keeps |kept )?remind/,
  },
  endHandoff: /\bback to (?:the )?bot\b|\bend (?:the )?(?:human|agent|chat with)\b|\bdone with the (?:human|agent)\b|\bno (?:more )?(?:human|agent) needed\b/,
  choice: /^(?:#|no\.? ?|number )?([1-3])\.?$/,
};

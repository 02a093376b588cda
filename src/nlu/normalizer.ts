import { traditionalToSimplified } from './chinese-script';

// Cantonese written forms mapped to Mandarin so one model serves both (longest first).
// Applied on the Traditional and the Simplified spelling alike.
const CANTONESE_WORDS = new Map<string, string>([
  ['點算好', '怎么办'],
  ['点算好', '怎么办'],
  ['點算', '怎么办'],
  ['点算', '怎么办'],
  ['點做', '怎么做'],
  ['点做', '怎么做'],
  ['點搞', '怎么搞'],
  ['点搞', '怎么搞'],
  ['點樣', '怎么'],
  ['点样', '怎么'],
  ['點解', '为什么'],
  ['点解', '为什么'],
  ['幾耐', '多久'],
  ['几耐', '多久'],
  ['幾時', '什么时候'],
  ['几时', '什么时候'],
  ['邊個', '谁'],
  ['边个', '谁'],
  ['邊度', '哪里'],
  ['边度', '哪里'],
  ['乜嘢', '什么'],
  ['乜野', '什么'],
  ['咩', '什么'],
  ['嘢', '东西'],
  ['收唔到', '收不到'],
  ['唔係', '不是'],
  ['唔系', '不是'],
  // 唔使 / 唔駛 / 唔洗: "no need to" (唔使再提醒我), not 不使.
  ['唔使', '不用'],
  ['唔駛', '不用'],
  ['唔洗', '不用'],
  ['唔', '不'],
  ['冇', '没有'],
  ['咗', '了'],
  ['嘅', '的'],
  ['喺', '在'],
  ['佢哋', '他们'],
  ['佢', '他'],
  ['啲', '些'],
  ['俾', '给'],
  ['畀', '给'],
  ['睇', '看'],
  ['嗰', '那'],
  ['呢個', '这个'],
  ['呢个', '这个'],
  ['係', '是'],
  ['搞掂', '完成'],
  ['攞', '拿'],
  ['咁', '这么'],
  ['揾', '找'],
  ['搵', '找'],
  ['下晝', '下午'],
  ['下昼', '下午'],
  ['晏晝', '中午'],
  ['晏昼', '中午'],
  ['朝早', '早上'],
  ['今朝', '今早'],
  ['琴日', '昨天'],
  ['寻日', '昨天'],
  ['尋日', '昨天'],
  ['听日', '明天'],
  ['聽日', '明天'],
  ['头先', '刚才'],
  ['頭先', '刚才'],
  ['而家', '现在'],
  ['几多', '多少'],
  ['幾多', '多少'],
  ['个钟', '个小时'],
  ['個鐘', '个小时'],
  ['跟住', '然后'],
  ['有冇', '有没有'],
  ['係咪', '是不是'],
  ['系咪', '是不是'],
  ['撳', '按'],
  ['喇', '了'],
  ['仲', '还'],
  ['我哋', '我们'],
  ['你哋', '你们'],
  ['哋', '们'],
  ['乜', '什么'],
  ['遲啲', '晚点'],
  ['迟啲', '晚点'],
  ['傾', '聊'],
] as Array<[string, string]>);
// One pass over the text: alternatives longest first, so 收唔到 wins over 唔.
const CANTONESE = new RegExp([...CANTONESE_WORDS.keys()].sort((a, b) => b.length - a.length).join('|'), 'g');

// Pictographs, flag letters and the joiners / variation selectors that glue them, one code point at a time.
// eslint-disable-next-line no-misleading-character-class
const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{FE0F}\u{200D}\u{20E3}]/gu;
// Punctuation and symbols become spaces; letters, digits and CJK stay.
const PUNCT = /[\p{P}\p{S}]+/gu;
const SPACE = /\s+/g;

/**
 * Simplified, half-width, lower-case text with Cantonese mapped to Mandarin and emoji removed, but
 * punctuation kept (entity extraction needs "9:30", "20:00").
 */
export function simplify(text: string): string {
  let s = text.normalize('NFKC');
  s = s.replace(EMOJI, ' ');
  s = s.replace(CANTONESE, (w) => CANTONESE_WORDS.get(w)!);
  s = traditionalToSimplified(s).replace(CANTONESE, (w) => CANTONESE_WORDS.get(w)!); // again: mixed spellings (点樣) become keys only now
  // One space for any run of whitespace, once, here: the entity patterns then never meet long runs.
  // NFKC again after lower-casing: İ lower-cases to i + U+0307, which can leave combining marks out
  // of canonical order, and the text must come out the same when normalised twice.
  return s.toLowerCase().normalize('NFKC').replace(SPACE, ' ');
}

/**
 * The form the classifier sees: simplify() without punctuation or symbols, single spaces.
 */
export function normalize(text: string): string {
  return stripPunctuation(simplify(text));
}

/** simplify()'s output without punctuation or symbols, single spaces. */
export function stripPunctuation(simplified: string): string {
  return simplified.replace(PUNCT, ' ').replace(SPACE, ' ').trim();
}

import { NLU_DEFAULTS } from '../config';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { FALLBACK } from '../core/intent-ids';
import type { Lang } from '../core/types';
import { warmUpChineseScript } from './chinese-script';
import { buildPlatformLexicon, extractEntities, type Entities, type PlatformLexicon } from './entities';
import { ErrorMatcher } from './error-matcher';
import { IntentClassifier, type Classification, type ClassifierOptions, type Ranked, type TrainingExample } from './intent-classifier';
import {
  DEFAULT_MODEL_PATH,
  loadOrTrainClassifier,
  modelFingerprint,
  modelFingerprints,
  writeModelArtefact,
  type ModelSource,
  type TrainingUtterance,
} from './intent-model';
import { detectLanguage, warmUpLanguageDetection } from './language';
import { normalize, simplify, stripPunctuation } from './normalizer';
import { ScopeDetector } from './scope';
import { en } from './lang/en';
import { zh } from './lang/zh';
import { createSegmenter, tokenize, type Segmenter } from './tokenizer';

export interface NluOptions extends ClassifierOptions {
  /** Top-1 confidence below which the reply is fallback. */
  threshold: number;
  /** Minimum lead of the top intent over the second. */
  margin: number;
  /** The model artefact `npm run build` writes, used when it was built from these very inputs; false: always train. */
  modelPath?: string | false;
}

/** The stages of parse(); classify is reported twice (error strings before tokenise, the classifier after), and an error-string hit skips tokenise. */
export type ParseStage = 'normalise' | 'entities' | 'tokenise' | 'classify';

/** How the NLU arrived at its intent (the policy may still decide otherwise, and says so). */
export type NluSource = 'error_string' | 'classifier' | 'low_confidence' | 'out_of_scope';

/** Everything understood from one message: the only place that reads user text. */
export interface Parse {
  /** The message's language; `neutral` when it shows none (a bare number, characters both scripts share). */
  lang: Lang;
  variant: 'tw' | 'hk' | null;
  neutral: boolean;
  intent: string;
  confidence: number;
  source: NluSource;
  /** The nearest in-scope intents, best first (did-you-mean candidates). */
  candidates: Ranked[];
  entities: Entities;
  /** The message is about something other than this domain (another app's code, another licence). */
  outOfDomain: boolean;
  /** The message names the verification's own actors (工信部, 12381, 管局, 核验, 初审...). */
  domainCue: boolean;
  /**
   * Out of domain only because it reports a rejected review that names nothing of the filing
   * ("审核没通过"): in a conversation about a filing under way that is this filing's review.
   */
  otherReviewOnly: boolean;
  /** Short enough to be a bare report or a slot answer (not a story with a question in it). */
  short: boolean;
}

export const DEFAULT_NLU_OPTIONS: NluOptions = NLU_DEFAULTS;

/** Every utterance of every intent (fallback included), in the order the classifier learns them. */
export function trainingUtterances(kb: KnowledgeBase): TrainingUtterance[] {
  const out: TrainingUtterance[] = [];
  for (const def of kb.intents.values()) {
    for (const lang of ['zh', 'en'] as const) for (const text of def.utterances[lang]) out.push({ text, lang, intent: def.id });
  }
  return out;
}

/** Every utterance of every intent (fallback included) as training examples. */
export function trainingExamples(kb: KnowledgeBase, segmenter: Segmenter): TrainingExample[] {
  return trainingUtterances(kb).map((u) => ({ label: u.intent, features: tokenize(normalize(u.text), segmenter) }));
}

type Base = Omit<Parse, 'intent' | 'confidence' | 'source' | 'candidates'>;

/** What the classifier reads: a leading correction ("不是收不到 是收到了不会填") left out, when something follows it. */
function withoutCorrection(normalized: string): string {
  for (const u of [zh, en]) {
    const m = u.correction?.exec(normalized);
    if (m) return normalized.slice(m[0].length);
  }
  return normalized;
}

/** At most 16 characters U+3400-U+9FFF and 10 runs of a-z: counted in one pass, without arrays of matches. */
function isShort(normalized: string): boolean {
  let cjk = 0;
  let latinRuns = 0;
  let inLatin = false;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    const latin = c >= 0x61 && c <= 0x7a;
    if (latin && !inLatin && ++latinRuns > 10) return false;
    inLatin = latin;
    if (c >= 0x3400 && c <= 0x9fff && ++cjk > 16) return false;
  }
  return true;
}

/** normalise -> error strings -> tokenise -> classify -> scope and threshold; entities from the same text. */
export class Nlu {
  readonly segmenter: Segmenter;
  private readonly classifier: IntentClassifier;
  private readonly matcher: ErrorMatcher;
  private readonly lexicon: PlatformLexicon;
  private readonly scope: ScopeDetector;
  /** The systems' error strings, longest first: pasted into a message they say nothing about the writer's language. */
  private readonly pasted: string[];
  /** Whether the classifier came from the build's model artefact or was trained at start. */
  readonly modelSource: ModelSource;

  constructor(
    readonly kb: KnowledgeBase,
    private readonly options: NluOptions = DEFAULT_NLU_OPTIONS,
    examples?: TrainingExample[],
  ) {
    warmUpChineseScript();
    warmUpLanguageDetection();
    this.segmenter = createSegmenter(kb.userDictPath);
    this.matcher = new ErrorMatcher(
      [...kb.intents.values()].flatMap((d) => d.patterns.map((text) => ({ intent: d.id, text }))),
      normalize,
    );
    this.pasted = [...new Set([...kb.intents.values()].flatMap((d) => d.patterns))].sort((a, b) => b.length - a.length);
    this.lexicon = buildPlatformLexicon(kb);
    this.scope = new ScopeDetector(kb.scope);
    if (examples) {
      this.classifier = new IntentClassifier(options);
      this.classifier.train(examples);
      this.modelSource = 'trained';
    } else {
      const fingerprint = modelFingerprint(trainingUtterances(kb), kb.userDictPath, options);
      ({ classifier: this.classifier, source: this.modelSource } = loadOrTrainClassifier(
        fingerprint,
        () => trainingExamples(kb, this.segmenter),
        options,
        options.modelPath,
      ));
    }
  }

  get ready(): boolean {
    return this.classifier.isTrained;
  }

  /**
   * "It says 您的短信核验失败，请联系接入商查询核验结果, what now?" is English: a pasted error string is
   * left out of the language guess, unless nothing else is left.
   */
  private language(text: string) {
    let rest = text;
    for (const p of this.pasted) if (rest.includes(p)) rest = rest.split(p).join(' ');
    return rest !== text && /\p{L}/u.test(rest) ? detectLanguage(rest) : detectLanguage(text);
  }

  /**
   * Understand one message sent at `now` (times in it are resolved against the message time).
   * `probe`, when given, is called after each stage (npm run bench times them).
   */
  parse(text: string, now: Date = new Date(), probe?: (stage: ParseStage) => void): Parse {
    return this.parseMany([{ text, now }], probe)[0];
  }

  /**
   * Understand several messages, stage by stage: each stage's code and tables stay in the CPU's
   * caches across the batch instead of being reloaded for every message (a server under load
   * parses the messages that arrived together this way). Each result is what parse() gives alone.
   */
  parseMany(messages: readonly { text: string; now: Date }[], probe?: (stage: ParseStage) => void): Parse[] {
    const languages = messages.map((m) => this.language(m.text));
    const simplified = messages.map((m) => simplify(m.text));
    const normalized = simplified.map(stripPunctuation);
    probe?.('normalise');
    const entities = messages.map((m, k) => extractEntities(m.text, simplified[k], m.now, this.lexicon));
    probe?.('entities');
    const bases = messages.map((_, k): Base => {
      const text = normalized[k];
      const rejected = entities[k].events.some((e) => e.event === 'rejected' && e.polarity !== 'not');
      const otherFile = this.scope.outOfDomain(text);
      const otherReviewOnly = !otherFile && rejected && this.scope.otherReviewRejected(text);
      return {
        ...languages[k],
        entities: entities[k],
        short: isShort(text),
        outOfDomain: otherFile || otherReviewOnly,
        otherReviewOnly,
        domainCue: this.scope.inDomainCue(text),
      };
    });
    const read = normalized.map(withoutCorrection);
    const hits = read.map((text) => this.matcher.match(text));
    probe?.('classify');
    const features = read.map((text, k) => (hits[k] ? undefined : tokenize(text, this.segmenter)));
    if (hits.some((h) => !h)) probe?.('tokenise');
    const classified = features.map((f) => f && this.classifier.classify(f));
    const parsed = bases.map((base, k) => {
      const hit = hits[k];
      if (hit) return { ...base, intent: hit.intent, confidence: hit.score, source: 'error_string' as const, candidates: [] };
      return this.understand(read[k], base, classified[k]!);
    });
    probe?.('classify');
    return parsed;
  }

  /** The classifier's ranking through scope and thresholds: the intent of a normalised message. */
  private understand(normalized: string, base: Base, { ranking, coverage }: Classification): Parse {
    const { entities, outOfDomain } = base;
    const inScope = ranking.filter((r) => r.intent !== FALLBACK);
    const candidates = inScope.slice(0, 3).filter((r) => r.confidence >= 0.05);
    const top = ranking[0];
    if (!top || coverage === 0 || top.intent === FALLBACK) {
      const fb = ranking.find((r) => r.intent === FALLBACK)?.confidence ?? 1;
      return { ...base, intent: FALLBACK, confidence: coverage === 0 ? 1 : fb, source: 'out_of_scope', candidates: coverage === 0 ? [] : candidates };
    }
    // Another app's code or another licence shares this domain's words: the classifier can't tell,
    // the words around them can. Chit-chat (chat.*) carries no domain words and is left alone.
    if (outOfDomain && !top.intent.startsWith('chat.'))
      return { ...base, intent: FALLBACK, confidence: 1 - top.confidence, source: 'out_of_scope', candidates };
    // Small talk ("今天好冷啊", "有推荐的茶餐厅吗") shares no word with the domain; whatever intent its
    // few words resemble, it is not a question this bot answers. A platform named is on topic.
    if (!top.intent.startsWith('chat.') && !entities.platforms.length && !this.scope.onTopic(normalized))
      return { ...base, outOfDomain: true, intent: FALLBACK, confidence: 1 - top.confidence, source: 'out_of_scope', candidates };
    const second = ranking[1]?.confidence ?? 0;
    if (top.confidence < this.options.threshold || top.confidence - second < this.options.margin) {
      return { ...base, intent: FALLBACK, confidence: 1 - top.confidence, source: 'low_confidence', candidates };
    }
    return { ...base, intent: top.intent, confidence: top.confidence, source: 'classifier', candidates: inScope.slice(1, 4) };
  }
}

/** Trains natural on the knowledge base's utterances and writes the model artefact the server loads at start. */
export function buildModelArtefact(kb: KnowledgeBase, file: string = DEFAULT_MODEL_PATH, options: ClassifierOptions = {}): { utterances: number } {
  const utterances = trainingUtterances(kb);
  const classifier = new IntentClassifier(options);
  classifier.train(trainingExamples(kb, createSegmenter(kb.userDictPath)));
  writeModelArtefact(file, classifier, modelFingerprints(utterances, kb.userDictPath, options), utterances.length);
  return { utterances: utterances.length };
}

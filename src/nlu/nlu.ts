import { NLU_DEFAULTS } from '../config';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { FALLBACK } from '../core/intent-ids';
import type { Lang } from '../core/types';
import { warmUpChineseScript } from './chinese-script';
import { ErrorMatcher } from './error-matcher';
import { IntentClassifier, type ClassifierOptions, type Ranked, type TrainingExample } from './intent-classifier';
import { detectLanguage, warmUpLanguageDetection } from './language';
import { normalize, simplify, stripPunctuation } from './normalizer';
import { createSegmenter, tokenize, type Segmenter } from './tokenizer';

export interface NluOptions extends ClassifierOptions {
  /** Top-1 confidence below which the reply is fallback. */
  threshold: number;
  /** Minimum lead of the top intent over the second. */
  margin: number;
}

export interface NluResult {
  lang: Lang;
  variant: 'tw' | 'hk';
  intent: string;
  confidence: number;
  matchedBy: 'pattern' | 'classifier' | 'low_confidence' | 'out_of_scope';
  /** The nearest in-scope intents, best first (did-you-mean candidates). */
  candidates: Ranked[];
  /** The text after simplify() and after normalize(), for the steps that follow. */
  simplified: string;
  normalized: string;
}

export const DEFAULT_NLU_OPTIONS: NluOptions = NLU_DEFAULTS;

/** Every utterance of every intent (fallback included) as training examples. */
export function trainingExamples(kb: KnowledgeBase, segmenter: Segmenter): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const def of kb.intents.values()) {
    for (const text of [...def.utterances.zh, ...def.utterances.en]) {
      out.push({ label: def.id, features: tokenize(normalize(text), segmenter) });
    }
  }
  return out;
}

/** normalize -> error patterns -> tokenize -> classify -> threshold. */
export class Nlu {
  readonly segmenter: Segmenter;
  private readonly classifier: IntentClassifier;
  private readonly matcher: ErrorMatcher;

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
    this.classifier = new IntentClassifier(options);
    this.classifier.train(examples ?? trainingExamples(kb, this.segmenter));
  }

  get ready(): boolean {
    return this.classifier.isTrained;
  }

  parse(text: string): NluResult {
    const { lang, variant } = detectLanguage(text);
    const simplified = simplify(text);
    const normalized = stripPunctuation(simplified);
    const texts = { simplified, normalized };
    const hit = this.matcher.match(normalized);
    if (hit) return { lang, variant, intent: hit.intent, confidence: hit.score, matchedBy: 'pattern', candidates: [], ...texts };

    const { ranking, coverage } = this.classifier.classify(tokenize(normalized, this.segmenter));
    const inScope = ranking.filter((r) => r.intent !== FALLBACK);
    const candidates = inScope.slice(0, 3).filter((r) => r.confidence >= 0.05);
    const top = ranking[0];
    if (!top || coverage === 0 || top.intent === FALLBACK) {
      const fb = ranking.find((r) => r.intent === FALLBACK)?.confidence ?? 1;
      return {
        lang,
        variant,
        intent: FALLBACK,
        confidence: coverage === 0 ? 1 : fb,
        matchedBy: 'out_of_scope',
        candidates: coverage === 0 ? [] : candidates,
        ...texts,
      };
    }
    const second = ranking[1]?.confidence ?? 0;
    if (top.confidence < this.options.threshold || top.confidence - second < this.options.margin) {
      return { lang, variant, intent: FALLBACK, confidence: 1 - top.confidence, matchedBy: 'low_confidence', candidates, ...texts };
    }
    return { lang, variant, intent: top.intent, confidence: top.confidence, matchedBy: 'classifier', candidates: inScope.slice(1, 4), ...texts };
  }
}

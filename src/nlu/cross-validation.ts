import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { IntentClassifier, type ClassifierOptions } from './intent-classifier';
import { trainingExamples } from './nlu';
import type { Segmenter } from './tokenizer';

export interface CrossValidationResult {
  accuracy: number;
  total: number;
  correct: number;
  /** Accuracy on the held-out zh and en variants separately. */
  byLanguage: Record<'zh' | 'en', number>;
}

/**
 * k-fold cross-validation of the classifier on intents/: each variant is held out once and
 * classified by a model trained on the other folds. Folds are stratified by intent (every k-th
 * variant of each intent) so every fold sees every intent.
 */
export function crossValidate(kb: KnowledgeBase, segmenter: Segmenter, k = 5, options: ClassifierOptions = {}): CrossValidationResult {
  const seen = new Map<string, number>();
  const examples = trainingExamples(kb, segmenter).map((ex) => {
    const indexInIntent = seen.get(ex.label) ?? 0;
    seen.set(ex.label, indexInIntent + 1);
    return { ...ex, fold: indexInIntent % k };
  });
  const langOf = new Map<object, 'zh' | 'en'>();
  for (const ex of examples) langOf.set(ex, ex.features.some((f) => f.startsWith('c:')) ? 'zh' : 'en');

  let correct = 0;
  const perLang = { zh: { n: 0, ok: 0 }, en: { n: 0, ok: 0 } };
  for (let fold = 0; fold < k; fold++) {
    const classifier = new IntentClassifier(options);
    classifier.train(examples.filter((e) => e.fold !== fold));
    for (const ex of examples.filter((e) => e.fold === fold)) {
      const top = classifier.classify(ex.features).ranking[0]?.intent;
      const lang = perLang[langOf.get(ex)!];
      lang.n++;
      if (top === ex.label) {
        correct++;
        lang.ok++;
      }
    }
  }
  return {
    accuracy: correct / examples.length,
    total: examples.length,
    correct,
    byLanguage: { zh: perLang.zh.ok / perLang.zh.n, en: perLang.en.ok / perLang.en.n },
  };
}

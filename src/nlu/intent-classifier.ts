import { BayesScorer, type LabelScore, type NaturalBayesCounts } from './bayes-scorer';

type NaturalBayesClassifier = new (stemmer?: unknown, smoothing?: number) => { classifier: ApparatusBayes };
/** natural's Bayes classifier, loaded on first training only: a model read from its artefact doesn't need it. */
// Deep import: natural's index loads every module it has (about 1 s); we need its Bayes classifier only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const naturalBayes = (): NaturalBayesClassifier => require('natural/lib/natural/classifiers/bayes_classifier') as NaturalBayesClassifier;

interface ApparatusBayes extends NaturalBayesCounts {
  addExample(observation: Record<string, number>, label: string): void;
  train(): void;
  getClassifications(observation: Record<string, number>): LabelScore[];
}

export interface TrainingExample {
  features: string[];
  label: string;
}

export interface Ranked {
  intent: string;
  /** Calibrated share of belief, summing to 1 over all intents. */
  confidence: number;
}

export interface Classification {
  ranking: Ranked[];
  /** Share of the message's features seen in training: near 0 means the words are foreign to every intent. */
  coverage: number;
}

export interface ClassifierOptions {
  /** Additive smoothing of the naive Bayes counts. */
  smoothing?: number;
  /** Log-likelihoods are divided by this per feature before the softmax: NB is overconfident. */
  temperaturePerFeature?: number;
}

/** natural's sparse observation: an object whose values are the feature ids present. */
const sparse = (ids: number[]): Record<string, number> => Object.fromEntries(ids.map((id, i) => [i, id]));

/** Cap on features per message, so natural's product of per-feature scores stays within a double. */
const MAX_FEATURES = 96;

/**
 * natural's naive Bayes over sparse features. Its sparse path scores a class by the smoothed
 * counts of the message's features in that class's variants (it leaves the per-class totals at 1);
 * measured on intents/ and the dev set that beats per-class normalised likelihoods, so we keep it.
 * natural's own text front-end drops CJK and scans the whole vocabulary per message, so we keep
 * the vocabulary and hand it sparse feature ids. natural trains; messages are scored by a
 * BayesScorer compiled from its counts (the same scores, without natural's per-message work).
 */
export class IntentClassifier {
  private readonly vocabulary = new Map<string, number>();
  private bayesInstance?: ApparatusBayes;
  private readonly smoothing: number;
  private readonly temperaturePerFeature: number;
  private compiled?: BayesScorer;
  private readonly ids: number[] = [];

  constructor(options: ClassifierOptions = {}, scorer?: BayesScorer) {
    this.smoothing = options.smoothing ?? 0.1;
    this.temperaturePerFeature = options.temperaturePerFeature ?? 0.1;
    this.compiled = scorer;
  }

  private get bayes(): ApparatusBayes {
    this.bayesInstance ??= new (naturalBayes())(undefined, this.smoothing).classifier;
    return this.bayesInstance;
  }

  get isTrained(): boolean {
    return this.compiled !== undefined;
  }

  /** The compiled scorer (what a model artefact stores); undefined before training. */
  get scorer(): BayesScorer | undefined {
    return this.compiled;
  }

  train(examples: TrainingExample[]): void {
    for (const ex of examples) {
      const ids = ex.features.slice(0, MAX_FEATURES).map((f) => {
        let id = this.vocabulary.get(f);
        if (id === undefined) {
          id = this.vocabulary.size;
          this.vocabulary.set(f, id);
        }
        return id;
      });
      if (ids.length) this.bayes.addExample(sparse(ids), ex.label);
    }
    this.bayes.train();
    this.compiled = BayesScorer.fromNatural(this.bayes, this.vocabulary);
  }

  classify(features: string[]): Classification {
    const scorer = this.compiled;
    if (!scorer) throw new Error('IntentClassifier: not trained');
    const ids = this.ids;
    ids.length = 0;
    for (const f of features) {
      const id = scorer.idOf(f);
      if (id !== undefined) ids.push(id);
      if (ids.length === MAX_FEATURES) break;
    }
    return calibrate(scorer.scores(ids), ids.length, features.length, this.temperaturePerFeature);
  }

  /**
   * The same classification through natural's own getClassifications, for the test that proves
   * the compiled scorer equal to it. Only after train() in this process.
   */
  classifyWithNatural(features: string[]): Classification {
    const ids: number[] = [];
    for (const f of features) {
      const id = this.vocabulary.get(f);
      if (id !== undefined) ids.push(id);
      if (ids.length === MAX_FEATURES) break;
    }
    return calibrate(this.bayes.getClassifications(sparse(ids)), ids.length, features.length, this.temperaturePerFeature);
  }
}

let scratch = new Float64Array(0);

/** natural's scores (best first) to a ranking of calibrated confidences, and the message's coverage. */
function calibrate(raw: LabelScore[], known: number, total: number, temperaturePerFeature: number): Classification {
  const coverage = total ? known / Math.min(total, MAX_FEATURES) : 0;
  // Softmax of natural's log scores at a temperature that grows with the number of features, so
  // a long message doesn't get certainty from sheer length. Clamp to the range of a double.
  // The same arithmetic in the same order as map / Math.max / reduce would do it, in reused rows.
  const temperature = Math.max(1, known * temperaturePerFeature);
  const n = raw.length;
  if (scratch.length < n) scratch = new Float64Array(n);
  const logs = scratch;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    logs[i] = Math.min(709, Math.max(-745, Math.log(raw[i].value))) / temperature;
    if (logs[i] > max) max = logs[i];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    logs[i] = Math.exp(logs[i] - max);
    sum += logs[i];
  }
  const ranking: Ranked[] = new Array<Ranked>(n);
  for (let i = 0; i < n; i++) ranking[i] = { intent: raw[i].label, confidence: logs[i] / sum };
  // Stable, and raw is already best first: ties keep natural's order.
  ranking.sort((a, b) => b.confidence - a.confidence);
  return { ranking, coverage };
}

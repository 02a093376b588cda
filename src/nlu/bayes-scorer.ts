import { isSurrogateUnit } from './chinese-script';
/** The counts natural's (apparatus') naive Bayes keeps after training, as it stores them. */
export interface NaturalBayesCounts {
  classFeatures: Record<string, Record<string, number>>;
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
}

/** One label's natural score: p(C) · Π p(f|C), as natural's getClassifications returns it. */
export interface LabelScore {
  label: string;
  value: number;
}

/** A scorer in plain arrays, so it can be written to and read from a JSON artefact. */
export interface BayesScorerData {
  labels: string[];
  /** Feature strings; a feature's id is its index here. */
  vocabulary: string[];
  /** p(C) per label: classTotals / totalExamples. */
  priors: number[];
  /** log(smoothing / classTotals) per label: the log-probability of a feature the label never saw. */
  unseen: number[];
  /** Postings by feature id (CSR): feature f's labels are postLabel[offsets[f] .. offsets[f+1]). */
  offsets: number[];
  postLabel: number[];
  /** log(count / classTotals) of the feature in that label. */
  postLog: number[];
}

const COLON = 0x3a;
const LOWER_B = 0x62;
const LOWER_C = 0x63;

/** Feature ids keyed by a pair of UTF-16 units: open addressing in typed arrays (a slot is one read, cold or not). */
class PairTable {
  private readonly keys: Uint32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(count: number) {
    let size = 16;
    while (size < count * 2) size *= 2;
    this.keys = new Uint32Array(size);
    this.values = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  private slot(key: number): number {
    // A multiplicative hash of the 32-bit key; linear probing from there.
    return (Math.imul(key, 0x9e3779b1) >>> 16) & this.mask;
  }

  set(a: number, b: number, id: number): void {
    const key = ((a << 16) | b) >>> 0;
    let i = this.slot(key);
    while (this.values[i] >= 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.values[i] = id;
  }

  get(a: number, b: number): number | undefined {
    const key = ((a << 16) | b) >>> 0;
    for (let i = this.slot(key); this.values[i] >= 0; i = (i + 1) & this.mask) if (this.keys[i] === key) return this.values[i];
    return undefined;
  }
}

/**
 * natural's naive Bayes scoring with every logarithm taken once, at build time. natural's
 * getClassifications recomputes log(count / total) for every feature of every label on every
 * message, over an object of objects; here each feature has a short list of the labels that saw it
 * (sparse postings in typed arrays), and a label that never saw it adds its precomputed `unseen`.
 * The sum runs feature by feature in the message's order with the same terms as natural's, so the
 * scores are bit-identical to natural's (test/nlu/bayes-scorer.test.ts compares them).
 * Size grows with the number of (feature, label) pairs seen in training, not features × labels.
 */
export class BayesScorer {
  readonly labels: string[];
  private readonly ids: Map<string, number>;
  /** Ids of c:X by the UTF-16 unit X (-1: unknown), and of b:XY by the pair. */
  private readonly chars: Int32Array;
  private readonly pairs: PairTable;
  private readonly priors: Float64Array;
  private readonly unseen: Float64Array;
  private readonly offsets: Uint32Array;
  private readonly postLabel: Uint16Array;
  private readonly postLog: Float64Array;
  // Scratch rows reused by every call: scoring is synchronous, so no two calls share them at once.
  private readonly sums: Float64Array;
  private readonly row: Float64Array;

  constructor(private readonly data: BayesScorerData) {
    this.labels = data.labels;
    this.ids = new Map(data.vocabulary.map((f, i) => [f, i]));
    this.chars = new Int32Array(0x10000).fill(-1);
    this.pairs = new PairTable(data.vocabulary.filter((f) => f.length === 4 && f.startsWith('b:')).length);
    data.vocabulary.forEach((f, id) => {
      if (f.length === 3 && f.startsWith('c:') && !isSurrogateUnit(f.charCodeAt(2))) this.chars[f.charCodeAt(2)] = id;
      if (f.length === 4 && f.startsWith('b:') && !isSurrogateUnit(f.charCodeAt(2)) && !isSurrogateUnit(f.charCodeAt(3)))
        this.pairs.set(f.charCodeAt(2), f.charCodeAt(3), id);
    });
    this.priors = Float64Array.from(data.priors);
    this.unseen = Float64Array.from(data.unseen);
    this.offsets = Uint32Array.from(data.offsets);
    this.postLabel = Uint16Array.from(data.postLabel);
    this.postLog = Float64Array.from(data.postLog);
    this.sums = new Float64Array(data.labels.length);
    this.row = new Float64Array(data.labels.length);
    if (data.labels.length > 0xffff) throw new Error('BayesScorer: more than 65535 labels');
    if (this.offsets.length !== data.vocabulary.length + 1 || this.postLog.length !== this.postLabel.length) throw new Error('BayesScorer: inconsistent data');
  }

  /**
   * From a trained natural classifier's counts and the vocabulary that mapped features to the ids
   * it was trained on. What a retrain (start-up, a knowledge reload) calls after natural's train().
   */
  static fromNatural(counts: NaturalBayesCounts, vocabulary: Map<string, number>): BayesScorer {
    // for...in order: the order natural's getClassifications visits labels (ties keep it).
    const labels = Object.keys(counts.classFeatures);
    const totals = labels.map((l) => counts.classTotals[l]);
    const byFeature: Array<Array<[number, number]>> = Array.from({ length: vocabulary.size }, () => []);
    labels.forEach((label, li) => {
      for (const [id, count] of Object.entries(counts.classFeatures[label])) {
        // natural's `count || smoothing`: a zero count scores as unseen.
        if (count) byFeature[Number(id)].push([li, Math.log(count / totals[li])]);
      }
    });
    const offsets = [0];
    const postLabel: number[] = [];
    const postLog: number[] = [];
    for (const postings of byFeature) {
      for (const [li, lp] of postings) {
        postLabel.push(li);
        postLog.push(lp);
      }
      offsets.push(postLabel.length);
    }
    const vocab: string[] = new Array<string>(vocabulary.size);
    for (const [f, id] of vocabulary) vocab[id] = f;
    return new BayesScorer({
      labels,
      vocabulary: vocab,
      priors: totals.map((t) => t / counts.totalExamples),
      unseen: totals.map((t) => Math.log(counts.smoothing / t)),
      offsets,
      postLabel,
      postLog,
    });
  }

  toJSON(): BayesScorerData {
    return this.data;
  }

  /** The id of a known feature, or undefined. */
  idOf(feature: string): number | undefined {
    // Most of a Chinese message's features are its characters (c:X) and their pairs (b:XY): a typed
    // array answers those with one memory read, where a cold Map of every feature string needs several.
    const n = feature.length;
    if ((n === 3 || n === 4) && feature.charCodeAt(1) === COLON) {
      const kind = feature.charCodeAt(0);
      const a = feature.charCodeAt(2);
      if (n === 3 && kind === LOWER_C && !isSurrogateUnit(a)) {
        const id = this.chars[a];
        return id < 0 ? undefined : id;
      }
      if (n === 4 && kind === LOWER_B && !isSurrogateUnit(a) && !isSurrogateUnit(feature.charCodeAt(3))) return this.pairs.get(a, feature.charCodeAt(3));
    }
    return this.ids.get(feature);
  }

  /** natural's getClassifications for these feature ids: every label, best first (ties in label order). */
  scores(ids: ArrayLike<number>): LabelScore[] {
    const n = this.labels.length;
    const { sums, row, unseen, offsets, postLabel, postLog } = this;
    sums.fill(0);
    for (let k = 0; k < ids.length; k++) {
      const f = ids[k];
      row.set(unseen);
      for (let p = offsets[f]; p < offsets[f + 1]; p++) row[postLabel[p]] = postLog[p];
      for (let c = 0; c < n; c++) sums[c] += row[c];
    }
    const out: LabelScore[] = new Array<LabelScore>(n);
    for (let c = 0; c < n; c++) out[c] = { label: this.labels[c], value: this.priors[c] * Math.exp(sums[c]) };
    return out.sort((x, y) => y.value - x.value);
  }
}

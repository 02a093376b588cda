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

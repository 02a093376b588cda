import fs from 'node:fs';
import path from 'node:path';
import { BayesScorer } from '../../src/nlu/bayes-scorer';
import { IntentClassifier } from '../../src/nlu/intent-classifier';
import { trainingExamples } from '../../src/nlu/nlu';
import { normalize } from '../../src/nlu/normalizer';
import { tokenize } from '../../src/nlu/tokenizer';
import { sharedKb, sharedNlu } from '../helpers';

const EVAL_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'eval');

/** Every sentence of the dev sets beside the repository, when they are there. */
function evalSentences(): string[] {
  if (!fs.existsSync(EVAL_DIR)) return [];
  return fs
    .readdirSync(EVAL_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(EVAL_DIR, f), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

describe('compiled Bayes scorer', () => {
  const kb = sharedKb();
  const segmenter = sharedNlu().segmenter;
  const examples = trainingExamples(kb, segmenter);
  const classifier = new IntentClassifier();
  classifier.train(examples);

  const messages: Array<[string, string[]]> = [
    ...examples.map((ex, i): [string, string[]] => [`training #${i}`, ex.features]),
    ...evalSentences().map((text): [string, string[]] => [text, tokenize(normalize(text), segmenter)]),
    // Foreign words only, and a message long enough that natural's product underflows.
    ['foreign words', ['e:zzzqqq', 'c:龘']],
    ['very long', tokenize(normalize('收不到核验短信怎么办 how long is the code valid '.repeat(40)), segmenter)],
  ];

  it('ranks every training and dev sentence as natural getClassifications does, confidences within 1e-9', () => {
    expect(messages.length).toBeGreaterThan(examples.length);
    let compared = 0;
    for (const [name, features] of messages) {
      const ours = classifier.classify(features);
      const natural = classifier.classifyWithNatural(features);
      const where = `${name}: ${features.slice(0, 6).join(' ')}`;
      expect({ where, intents: ours.ranking.map((r) => r.intent) }).toEqual({ where, intents: natural.ranking.map((r) => r.intent) });
      expect(ours.coverage).toBe(natural.coverage);
      for (let i = 0; i < ours.ranking.length; i++) {
        const diff = Math.abs(ours.ranking[i].confidence - natural.ranking[i].confidence);
        if (diff > 1e-9) throw new Error(`${where}: ${ours.ranking[i].intent} ${ours.ranking[i].confidence} vs ${natural.ranking[i].confidence}`);
      }
      compared++;
    }
    expect(compared).toBe(messages.length);
  });

  it('scores the same after a round trip through its JSON artefact form', () => {
    const restored = new IntentClassifier({}, new BayesScorer(JSON.parse(JSON.stringify(classifier.scorer)) as never));
    for (const [, features] of messages.slice(0, 300)) expect(restored.classify(features)).toEqual(classifier.classify(features));
  });

  it('finds every known feature by its id, character and pair features too, and no unknown one', () => {
    const scorer = classifier.scorer!;
    const vocabulary = scorer.toJSON().vocabulary;
    expect(vocabulary.filter((f) => f.startsWith('c:')).length).toBeGreaterThan(500);
    expect(vocabulary.filter((f) => f.startsWith('b:')).length).toBeGreaterThan(500);
    const wrong = vocabulary.filter((f, id) => scorer.idOf(f) !== id);
    expect(wrong).toEqual([]);
    // Unknown characters and pairs, lookalike prefixes, surrogates and the empty string.
    for (const f of ['c:龘', 'b:龘龘', 'c:a', 'b:zz', 'x:验', 'c:验证', 'b:验', 'c:\ud842', 'b:\ud842\udfb7', '', 'c:', 'cc验'])
      expect(scorer.idOf(f)).toBe(vocabulary.indexOf(f) < 0 ? undefined : vocabulary.indexOf(f));
  });

  it('stores postings for the (feature, intent) pairs seen, not a feature × intent table', () => {
    const data = classifier.scorer!.toJSON();
    expect(data.postLog.length).toBeLessThan((data.vocabulary.length * data.labels.length) / 4);
    expect(data.offsets).toHaveLength(data.vocabulary.length + 1);
  });
});

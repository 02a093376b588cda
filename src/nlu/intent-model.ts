import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BayesScorer, type BayesScorerData } from './bayes-scorer';
import type { ClassifierOptions, TrainingExample } from './intent-classifier';
import { IntentClassifier } from './intent-classifier';

/** Bumped when the artefact's layout changes; an artefact of another format is retrained. */
export const MODEL_FORMAT = 1;

/** Where `npm run build` writes the trained model (dist/ is build output, never committed). */
export const DEFAULT_MODEL_PATH = path.resolve(__dirname, '..', '..', 'dist', 'model', 'intent-model.json');

/** What the classifier learns from: every utterance of intents/ (after any overlay), with its language. */
export interface TrainingUtterance {
  text: string;
  lang: 'zh' | 'en';
  intent: string;
}

interface ModelArtefact {
  format: number;
  /** sha256 of everything the model depends on: see modelFingerprint(). */
  fingerprint: string;
  builtAt: string;
  utterances: number;
  scorer: BayesScorerData;
}

/** The NLU code that turns text into features and features into a model (this folder, as it runs: .js in dist, .ts under tsx). */
function codeFiles(dir = __dirname): string[] {
  const ext = path.extname(__filename);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? codeFiles(path.join(dir, e.name)) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : []))
    .sort();
}

/**
 * A model is valid for exactly one set of inputs: the training utterances and their labels, the
 * jieba user dictionary, the classifier options, and the code that makes features (a change to
 * the tokenizer changes every feature). Any change gives another fingerprint, and a retrain.
 */
export function modelFingerprint(utterances: TrainingUtterance[], userDictPath: string | undefined, options: ClassifierOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: MODEL_FORMAT, options: { smoothing: options.smoothing, temperaturePerFeature: options.temperaturePerFeature } }));
  for (const u of utterances) h.update(`\n${u.intent}\t${u.lang}\t${u.text}`);
  h.update('\ndict\n');
  if (userDictPath && fs.existsSync(userDictPath)) h.update(fs.readFileSync(userDictPath));
  for (const file of codeFiles()) h.update(`\n${path.basename(file)}\n`).update(fs.readFileSync(file));
  return h.digest('hex');
}

export type ModelSource = 'artefact' | 'trained';

/**
 * The classifier from the artefact when it was built from these very inputs; else natural trains
 * on `examples()` now (the few seconds the artefact saves at start-up). A missing, unreadable,
 * other-format or stale artefact is never used.
 */
export function loadOrTrainClassifier(
  fingerprint: string,
  examples: () => TrainingExample[],
  options: ClassifierOptions,
  modelPath: string | false = DEFAULT_MODEL_PATH,
): { classifier: IntentClassifier; source: ModelSource } {
  const artefact = modelPath ? readArtefact(modelPath) : undefined;
  if (artefact && artefact.format === MODEL_FORMAT && artefact.fingerprint === fingerprint) {
    try {
      return { classifier: new IntentClassifier(options, new BayesScorer(artefact.scorer)), source: 'artefact' };
    } catch {
      // Inconsistent arrays: train instead.
    }
  }
  const classifier = new IntentClassifier(options);
  classifier.train(examples());
  return { classifier, source: 'trained' };
}

function readArtefact(file: string): ModelArtefact | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ModelArtefact;
  } catch {
    return undefined;
  }
}

/** Writes a trained classifier's scorer with the fingerprint of what it was trained on. */
export function writeModelArtefact(file: string, classifier: IntentClassifier, fingerprint: string, utterances: number): void {
  if (!classifier.scorer) throw new Error('writeModelArtefact: the classifier is not trained');
  const artefact: ModelArtefact = { format: MODEL_FORMAT, fingerprint, builtAt: new Date().toISOString(), utterances, scorer: classifier.scorer.toJSON() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole then renamed: a server starting meanwhile reads the old file or the new one.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(artefact));
  fs.renameSync(tmp, file);
}

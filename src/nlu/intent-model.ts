import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BayesScorer, type BayesScorerData } from './bayes-scorer';
import type { ClassifierOptions, TrainingExample } from './intent-classifier';
import { IntentClassifier } from './intent-classifier';

/** Bumped when the artefact's layout changes; an artefact of another format is retrained. */
export const MODEL_FORMAT = 2;

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
  /** sha256 of everything the model depends on, one per form of the code: see modelFingerprints(). */
  fingerprints: string[];
  builtAt: string;
  utterances: number;
  scorer: BayesScorerData;
}

const ROOT = path.resolve(__dirname, '..', '..');
/** The NLU code as it runs here (.js in dist, .ts under tsx and jest), and its other form when present. */
const CODE_FORMS: Array<{ dir: string; ext: string }> = (() => {
  const own = { dir: __dirname, ext: path.extname(__filename) };
  const other = own.ext === '.js' ? { dir: path.join(ROOT, 'src', 'nlu'), ext: '.ts' } : { dir: path.join(ROOT, 'dist', 'nlu'), ext: '.js' };
  return [own, other];
})();
/** Libraries whose behaviour is part of every feature: the segmenter, the stemmer, the script converter. */
const FEATURE_LIBRARIES = ['@node-rs/jieba', 'natural', 'opencc-js'];

/** The code that turns text into features and features into a model: every file of the NLU folder in one form. */
function codeFiles(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? codeFiles(path.join(dir, e.name), ext) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : []))
    .sort();
}

function libraryVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * A model is valid for exactly one set of inputs: the training utterances and their labels, the
 * jieba user dictionary, the classifier options, the libraries' versions and the code that makes
 * features (a change to the tokenizer changes every feature). Any change gives another
 * fingerprint, and a retrain. `form`: the code as it runs here unless said otherwise.
 */
export function modelFingerprint(
  utterances: TrainingUtterance[],
  userDictPath: string | undefined,
  options: ClassifierOptions,
  form: { dir: string; ext: string } = CODE_FORMS[0],
): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: MODEL_FORMAT, options: { smoothing: options.smoothing, temperaturePerFeature: options.temperaturePerFeature } }));
  h.update(JSON.stringify(FEATURE_LIBRARIES.map((name) => [name, libraryVersion(name)])));
  for (const u of utterances) h.update(`\n${u.intent}\t${u.lang}\t${u.text}`);
  h.update('\ndict\n');
  if (userDictPath && fs.existsSync(userDictPath)) h.update(fs.readFileSync(userDictPath));
  for (const file of codeFiles(form.dir, form.ext)) h.update(`\n${path.relative(form.dir, file)}\n`).update(fs.readFileSync(file));
  return h.digest('hex');
}

/**
 * The fingerprints a freshly built model is valid for: the code as it runs here and, when the
 * other form is there too (src beside dist), that one, so `tsx src/index.ts` and jest use the
 * build's model as long as src/nlu is what dist/nlu was compiled from.
 */
export function modelFingerprints(utterances: TrainingUtterance[], userDictPath: string | undefined, options: ClassifierOptions): string[] {
  return CODE_FORMS.filter((f) => fs.existsSync(f.dir)).map((f) => modelFingerprint(utterances, userDictPath, options, f));
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
  if (artefact && artefact.format === MODEL_FORMAT && Array.isArray(artefact.fingerprints) && artefact.fingerprints.includes(fingerprint)) {
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
export function writeModelArtefact(file: string, classifier: IntentClassifier, fingerprints: string[], utterances: number): void {
  if (!classifier.scorer) throw new Error('writeModelArtefact: the classifier is not trained');
  const artefact: ModelArtefact = { format: MODEL_FORMAT, fingerprints, builtAt: new Date().toISOString(), utterances, scorer: classifier.scorer.toJSON() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole then renamed: a server starting meanwhile reads the old file or the new one.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(artefact));
  fs.renameSync(tmp, file);
}

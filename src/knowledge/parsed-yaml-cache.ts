import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

// Parsing the YAML of intents/ is most of what loading the knowledge costs at start-up (~250 ms for
// ~270 KB; JSON of the same data parses in ~2 ms). npm run build writes each file's parsed value
// as JSON, keyed by a hash of the file's text; a file whose text differs from the build's (intents/
// edited since) is parsed as YAML, as before. Validation runs on the result either way.
export const DEFAULT_PARSED_YAML_PATH = path.resolve(__dirname, '..', '..', 'dist', 'model', 'intents-parsed.json');

interface ParsedYamlFile {
  version: 1;
  /** sha256 (base64) of a file's text -> its parsed value as JSON. */
  entries: Record<string, string>;
}

let cache: Map<string, string> | undefined;
let cachePath = DEFAULT_PARSED_YAML_PATH;
/** Set while npm run build records what it parses. */
let recording: Map<string, string> | undefined;

const keyOf = (text: string) => createHash('sha256').update(text).digest('base64');

function readCache(): Map<string, string> {
  try {
    const file = JSON.parse(fs.readFileSync(cachePath, 'utf8')) as ParsedYamlFile;
    return new Map(file.version === 1 ? Object.entries(file.entries) : []);
  } catch {
    return new Map();
  }
}

// Loaded on a miss only: with a current cache the yaml package isn't needed at all.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlParse = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

/** YAML.parse(text), from the build's cache when it holds this very text (a fresh value every call). */
export function parseYaml(text: string): unknown {
  const key = keyOf(text);
  cache ??= readCache();
  const json = cache.get(key);
  if (json !== undefined) return JSON.parse(json);
  const value = yamlParse(text);
  if (recording) {
    const asJson = JSON.stringify(value);
    // Only values JSON carries exactly (no dates, no undefined, no infinities) are cached.
    if (asJson !== undefined && isDeepStrictEqual(JSON.parse(asJson), value)) recording.set(key, asJson);
  }
  return value;
}

/** npm run build: remember every text parseYaml parses from now on, for writeParsedYamlCache. */
export function recordParsedYaml(): void {
  recording = new Map();
  cache = new Map();
}

export function writeParsedYamlCache(file: string = DEFAULT_PARSED_YAML_PATH): number {
  const entries = Object.fromEntries(recording ?? []);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries } satisfies ParsedYamlFile));
  return Object.keys(entries).length;
}

/** Tests: read the cache from another file (or none) from the next parse on. */
export function useParsedYamlCache(file: string): void {
  cachePath = file;
  cache = undefined;
  recording = undefined;
}

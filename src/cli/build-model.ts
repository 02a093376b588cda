import './quiet';
import '../load-env';
import { loadConfig } from '../config';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { recordParsedYaml, writeParsedYamlCache } from '../knowledge/parsed-yaml-cache';
import { writeTraditionalTable } from '../nlu/chinese-script';
import { DEFAULT_MODEL_PATH } from '../nlu/intent-model';
import { buildModelArtefact } from '../nlu/nlu';

// Part of npm run build: natural trains on intents/ here, once, and the server loads the result at
// start instead of training (a server whose intents/ differ from the build's retrains).
const started = performance.now();
const config = loadConfig();
// The parsed YAML of intents/ too, so start-up reads JSON instead of parsing YAML (a changed file is parsed).
recordParsedYaml();
const { utterances } = buildModelArtefact(loadKnowledgeBase(config.INTENTS_DIR), process.argv[2] ?? DEFAULT_MODEL_PATH);
const files = process.argv[2] ? 0 : writeParsedYamlCache();
// Which characters OpenCC's Simplified -> Traditional step changes, for language detection at start-up.
const changing = process.argv[2] ? 0 : writeTraditionalTable();
process.stdout.write(
  `model: ${utterances} utterances of ${config.INTENTS_DIR} -> ${process.argv[2] ?? DEFAULT_MODEL_PATH} (${Math.round(performance.now() - started)} ms); ${files} parsed YAML files cached; ${changing} characters in the Traditional table\n`,
);

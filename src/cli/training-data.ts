import './quiet';
import '../load-env';
import { loadConfig } from '../config';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { trainingUtterances } from '../nlu/nlu';

// npm run --silent training-data: every example the classifier learns from, one JSON line each
// ({ text, lang: "zh" | "en", intent }), so other tools train on exactly the same data.
// A reader that stops early (| head) is not an error.
process.stdout.on('error', () => process.exit(0));
const config = loadConfig();
const lines = trainingUtterances(loadKnowledgeBase(config.INTENTS_DIR)).map((u) => JSON.stringify({ text: u.text, lang: u.lang, intent: u.intent }));
process.stdout.write(`${lines.join('\n')}\n`);

import './quiet';
import express from 'express';
import { loadConfig } from '../config';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { trainingUtterances } from '../nlu/nlu';

// The peer of `npm run bench`: what a user would otherwise build, NLP.js trained on the same
// training examples (npm run training-data) behind the same bare express endpoint as the baseline.
// It guesses each message's language, as the bot detects it. node-nlp is a devDependency: bench only.
interface NlpResult {
  intent: string;
  score: number;
  locale: string;
  answer?: string;
}
interface NlpManager {
  addDocument(locale: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(utterance: string): Promise<NlpResult>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NlpManager } = require('node-nlp') as { NlpManager: new (settings: Record<string, unknown>) => NlpManager };

async function main(): Promise<void> {
  const manager = new NlpManager({ languages: ['zh', 'en'], forceNER: false, autoSave: false, nlu: { log: false } });
  for (const u of trainingUtterances(loadKnowledgeBase(loadConfig().INTENTS_DIR))) manager.addDocument(u.lang, u.text, u.intent);
  await manager.train();
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/v1/messages', async (req, res) => {
    const body = req.body as { userId?: string; text?: string };
    const r = await manager.process(String(body.text ?? ''));
    res.json({ reply: r.answer ?? '', intent: r.intent, confidence: r.score, lang: r.locale, suggestions: [], state: { userId: body.userId } });
  });
  app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => process.stdout.write('listening\n'));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

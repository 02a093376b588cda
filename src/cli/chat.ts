import './quiet';
import '../load-env';
import readline from 'node:readline';
import { createEngine, createStore, handoffSettings } from '../bot';
import { loadConfig } from '../config';
import type { ApiState } from '../state/conversation-state';

// npm run chat: talk to the bot in a terminal, on the same engine as the API. "/state" shows what it remembers.
async function main(): Promise<void> {
  const config = loadConfig();
  const engine = createEngine(config, createStore(config), undefined, undefined, { handoff: handoffSettings(config) });
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  const userId = 'terminal';
  let lastState: ApiState | undefined;
  process.stdout.write('beian-bot: ask about ICP filing and the MIIT SMS verification (中文 / English). Ctrl+D to quit.\n');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/state') {
      process.stdout.write(`${JSON.stringify(lastState ?? null, null, 2)}\n`);
    } else if (text) {
      const { reply, state } = await engine.handle({ userId, text, timestamp: new Date(), channel: 'terminal' });
      lastState = engine.apiState(state);
      process.stdout.write(`\n${reply.text}\n  [${reply.intent} ${reply.confidence.toFixed(2)} ${reply.lang} by ${reply.decidedBy ?? '?'}]\n\n`);
    }
    rl.prompt();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

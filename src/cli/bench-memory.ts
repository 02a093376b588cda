import './quiet';
import { createEngine, createStore } from '../bot';
import { loadConfig } from '../config';
import { MemoryConversationStore } from '../state/memory-conversation-store';

// RSS of a process holding N conversations in the memory store, each made by real turns.
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50_000);
  const config = loadConfig();
  const store = createStore(config) as MemoryConversationStore;
  const engine = createEngine(config, store);
  const texts = ['我们是微信小程序，这次是变更备案', '昨晚8点收到的核验短信', '又输错了', 'how long is the code valid'];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    await engine.handle({ userId: `bench-${i}`, text: texts[i % texts.length], timestamp: new Date(1767225600000 + i * 1000), channel: 'bench' });
  }
  global.gc?.();
  const rss = process.memoryUsage().rss;
  process.stdout.write(`${JSON.stringify({ conversations: store.size, rssMb: rss / 1048576, fillMs: Date.now() - t0 })}\n`);
  await store.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});

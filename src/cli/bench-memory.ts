import './quiet';
import { createEngine, createStore } from '../bot';
import { loadConfig } from '../config';
import { MemoryConversationStore } from '../state/memory-conversation-store';
import { benchTexts } from './bench-texts';

// RSS of a process holding N conversations in the memory store, each made by a real turn of one
// of thousands of distinct messages (the store keeps at most STATE_MAX_KEYS: npm run bench lifts it).
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50_000);
  const config = loadConfig();
  const store = createStore(config) as MemoryConversationStore;
  const engine = createEngine(config, store);
  const texts = benchTexts();
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    await engine.handle({ userId: `bench-${i}`, text: texts[i % texts.length], timestamp: new Date(1767225600000 + i * 1000), channel: 'bench' });
  }
  // As a server idle for a moment after the load: full collections, and time for V8 and the
  // allocator to give freed pages back.
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ conversations: store.size, rssMb: rss / 1048576, heapMb: heapUsed / 1048576, fillMs: Date.now() - t0 })}\n`);
  await store.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});

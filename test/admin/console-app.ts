import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { KnowledgeReloader, localReloadBus, type ReloadBus } from '../../src/admin/knowledge-reloader';
import { FileOverlayStore, type OverlayStore } from '../../src/admin/knowledge-overlay';
import { MemoryTurnStats, observeTurns } from '../../src/admin/turn-stats';
import { createApp } from '../../src/app';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { Metrics } from '../../src/metrics';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { FileUnansweredLog } from '../../src/state/unanswered-log';
import { INTENTS_DIR, testConfig } from '../helpers';

export interface ConsoleApp {
  app: Express;
  knowledge: KnowledgeReloader;
  dir: string;
  store: MemoryConversationStore;
  unanswered: FileUnansweredLog;
}

/** The app as index.ts composes it (engine from the reloader, console mounted), over temporary files. */
export async function consoleApp(
  env: Record<string, string> = { CONSOLE_TOKEN: 'console-secret' },
  options: { overlay?: OverlayStore; bus?: ReloadBus; intentsDir?: string } = {},
): Promise<ConsoleApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beian-console-'));
  const config = testConfig({ ...env, KNOWLEDGE_OVERLAY: path.join(dir, 'overlay.yaml') });
  const metrics = new Metrics();
  const store = new MemoryConversationStore(3600);
  const unanswered = new FileUnansweredLog(path.join(dir, 'unanswered.jsonl'));
  const stats = new MemoryTurnStats();
  const knowledge = new KnowledgeReloader({
    intentsDir: options.intentsDir ?? INTENTS_DIR,
    overlay: options.overlay ?? new FileOverlayStore(config.KNOWLEDGE_OVERLAY),
    buildEngine: (nlu) => observeTurns(new DialogueEngine(nlu, store, metrics, unanswered), stats),
  });
  await knowledge.reload('test');
  const app = createApp({
    config,
    engine: () => knowledge.engine,
    store,
    metrics,
    console: { knowledge, bus: options.bus ?? localReloadBus, store, unanswered, stats, metrics },
  });
  return { app, knowledge, dir, store, unanswered };
}

/** The unanswered log is written after the reply: wait until it holds `n` entries. */
export async function untilRecorded(log: FileUnansweredLog, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (((await log.recent(1000)) ?? []).length >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the unanswered log never reached ${n} entries`);
}

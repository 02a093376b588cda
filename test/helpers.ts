import path from 'node:path';
import { loadConfig, type Config } from '../src/config';
import { DialogueEngine } from '../src/core/dialogue-engine';
import { loadKnowledgeBase, type KnowledgeBase } from '../src/knowledge/knowledge-base';
import { Nlu } from '../src/nlu/nlu';
import { MemoryConversationStore } from '../src/state/memory-conversation-store';

export const INTENTS_DIR = path.resolve(__dirname, '..', 'intents');

let kb: KnowledgeBase | undefined;
let nlu: Nlu | undefined;

/** Loading and training take about a second: share them within a test file. */
export function sharedKb(): KnowledgeBase {
  kb ??= loadKnowledgeBase(INTENTS_DIR);
  return kb;
}

export function sharedNlu(): Nlu {
  nlu ??= new Nlu(sharedKb());
  return nlu;
}

export function newEngine(nlu: Nlu = sharedNlu()): { engine: DialogueEngine; store: MemoryConversationStore } {
  const store = new MemoryConversationStore(3600);
  return { engine: new DialogueEngine(nlu, store), store };
}

/** The configuration of a deployment with only these keys set. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ ...env });
}

/**
 * Redis for the tests that need it (started by test/redis-global-setup.ts). Without redis-server
 * those tests are skipped locally; in CI (CI=true) a missing Redis fails the run instead.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;
export const describeWithRedis: jest.Describe = TEST_REDIS_URL || process.env.CI ? describe : describe.skip;

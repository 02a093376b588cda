import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { KnowledgeReloader, redisReloadBus } from '../../src/admin/knowledge-reloader';
import { FileOverlayStore, RedisOverlayStore, validateTeach, withVariant } from '../../src/admin/knowledge-overlay';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { describeWithRedis, INTENTS_DIR, TEST_REDIS_URL } from '../helpers';

const QUESTION = '我想把备案的域名过户给朋友可以吗';
const message = (text: string, userId = `u-${Math.random()}`) => ({ userId, text, timestamp: new Date(), channel: 'test' });

function reloader(overlay: FileOverlayStore | RedisOverlayStore, intentsDir = INTENTS_DIR): KnowledgeReloader {
  const store = new MemoryConversationStore(3600);
  return new KnowledgeReloader({ intentsDir, overlay, buildEngine: (nlu) => new DialogueEngine(nlu, store) });
}

describe('knowledge reload', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps answering with the old engine while the new one trains, then serves the taught intent', async () => {
    const overlay = new FileOverlayStore(path.join(dir, 'overlay.yaml'));
    const k = reloader(overlay);
    await k.reload('start');
    const old = k.engine!;
    expect((await old.handle(message(QUESTION))).reply.intent).not.toBe('filing.types');
    await overlay.save(withVariant(await overlay.load(), validateTeach(old.kb, QUESTION, 'filing.types', new Date())));
    const reloading = k.reload('teach');
    // A message arriving meanwhile is answered (by the engine still serving), not dropped.
    const during = await k.engine!.handle(message('验证码多久有效'));
    expect(during.reply.text.length).toBeGreaterThan(0);
    await reloading;
    expect(k.engine).not.toBe(old);
    expect((await k.engine!.handle(message(QUESTION))).reply.intent).toBe('filing.types');
    // Another spelling of the same question (Traditional, punctuation) is the same question.
    expect((await k.engine!.handle(message('我想把備案的域名過戶給朋友可以嗎？'))).reply.intent).toBe('filing.types');
  });

  it('leaves the previous knowledge serving when intents/ on disk is broken, and reports it', async () => {
    const intents = path.join(dir, 'intents');
    fs.cpSync(INTENTS_DIR, intents, { recursive: true });
    const k = reloader(new FileOverlayStore(path.join(dir, 'overlay.yaml')), intents);
    await k.reload('start');
    const serving = k.engine;
    fs.writeFileSync(path.join(intents, 'verify.validity.yaml'), 'id: verify.validity\nkind: nonsense\n');
    await expect(k.reload('admin')).rejects.toThrow(/verify\.validity\.yaml/);
    expect(k.engine).toBe(serving);
  });

  it('folds reloads asked for during one into a single further run after it', async () => {
    const overlay = new FileOverlayStore(path.join(dir, 'overlay.yaml'));
    const k = reloader(overlay);
    await k.reload('start');
    await overlay.save(withVariant(await overlay.load(), validateTeach(k.engine!.kb, QUESTION, 'filing.types', new Date())));
    const first = k.reload('a');
    const second = k.reload('b');
    const third = k.reload('c');
    expect(second).toBe(third);
    const [a, b] = await Promise.all([first, second]);
    expect(b).not.toBe(a);
    expect(b.taught).toBe(1);
  });
});

describeWithRedis('knowledge reload across instances (Redis)', () => {
  it('a question taught on one instance is answered by another after the pub/sub announcement', async () => {
    const redisA = new Redis(TEST_REDIS_URL!);
    const redisB = new Redis(TEST_REDIS_URL!);
    const key = `test:overlay:${Date.now()}`;
    const a = reloader(new RedisOverlayStore(redisA, key));
    const b = reloader(new RedisOverlayStore(redisB, key));
    await Promise.all([a.reload('start'), b.reload('start')]);
    let reloadedB: Promise<unknown> | undefined;
    const announced = new Promise<void>((resolve) => {
      const busB = redisReloadBus(redisB, () => {
        reloadedB = b.reload('peer');
        resolve();
      });
      afterAllClose.push(() => busB.close());
    });
    const busA = redisReloadBus(redisA, () => undefined);
    await new Promise((r) => setTimeout(r, 200)); // both subscribed
    const overlay = new RedisOverlayStore(redisA, key);
    await overlay.save(withVariant(await overlay.load(), validateTeach(a.engine!.kb, QUESTION, 'filing.types', new Date())));
    await a.reload('teach');
    await busA.publish();
    await announced;
    await reloadedB;
    expect((await b.engine!.handle(message(QUESTION))).reply.intent).toBe('filing.types');
    await busA.close();
    for (const close of afterAllClose) await close();
    await redisA.del(key);
    redisA.disconnect();
    redisB.disconnect();
  });
  const afterAllClose: Array<() => Promise<void>> = [];
});

import { benchTexts } from '../../src/cli/bench-texts';
import type { Nlu, Parse } from '../../src/nlu/nlu';
import { ParseBatcher } from '../../src/nlu/parse-batcher';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { newEngine, sharedKb, sharedNlu } from '../helpers';

const at = new Date('2026-01-01T04:00:00Z');

/** A stand-in NLU that records its batches; 'bad' makes a parse throw. */
function recordingNlu() {
  const batches: string[][] = [];
  const one = (text: string): Parse => {
    if (text === 'bad') throw new Error('cannot parse');
    return { intent: `i:${text}` } as Parse;
  };
  const nlu: Pick<Nlu, 'parse' | 'parseMany'> = {
    parse: (text) => one(text),
    parseMany: (messages) => {
      batches.push(messages.map((m) => m.text));
      return messages.map((m) => one(m.text));
    },
  };
  return { nlu, batches };
}

describe('Nlu.parseMany', () => {
  it('gives every message of a batch exactly what parse gives it alone', () => {
    const nlu = sharedNlu();
    // Varied messages (the bench's, which use the dev sets when they are beside the repository) and
    // every 9th training utterance, so both languages, error strings and the classifier's paths show up.
    const utterances = [...sharedKb().intents.values()].flatMap((d) => [...d.utterances.zh, ...d.utterances.en]).filter((_, i) => i % 9 === 0);
    const texts = [
      ...benchTexts(300, 7),
      ...utterances,
      '它说 您的短信核验失败，请联系接入商查询核验结果 what now?',
      '驗證碼有效期多久？',
      '今天天气不错',
      '',
      '   ',
      '13800138000',
    ];
    const batch = nlu.parseMany(texts.map((text) => ({ text, now: at })));
    expect(batch).toHaveLength(texts.length);
    texts.forEach((text, k) => expect(batch[k]).toEqual(nlu.parse(text, at)));
    const sources = new Set(batch.map((p) => p.source));
    for (const source of ['error_string', 'classifier', 'out_of_scope'] as const) expect(sources).toContain(source);
    expect(new Set(batch.map((p) => p.lang))).toEqual(new Set(['zh-Hans', 'zh-Hant', 'en']));
  });
});

describe('ParseBatcher', () => {
  it('parses the messages sent in the same turn in one batch, gives each its own parse and reports its parsing time', async () => {
    const { nlu, batches } = recordingNlu();
    const shares: number[] = [];
    const batcher = new ParseBatcher(nlu, 32, (seconds) => shares.push(seconds));
    const parses = await Promise.all(['a', 'b', 'c'].map((t) => batcher.parse(t, at)));
    expect(parses.map((p) => p.intent)).toEqual(['i:a', 'i:b', 'i:c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    // Each message reports its share of the batch's parsing time, once.
    expect(shares).toHaveLength(3);
    expect(shares.every((s) => s >= 0 && s < 1)).toBe(true);
    await batcher.parse('d', at);
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const { nlu, batches } = recordingNlu();
    const batcher = new ParseBatcher(nlu, 2);
    const parses = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((t) => batcher.parse(t, at)));
    expect(parses.map((p) => p.intent)).toEqual(['i:a', 'i:b', 'i:c', 'i:d', 'i:e']);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails only the message that cannot be parsed, not the others of its batch', async () => {
    const { nlu } = recordingNlu();
    const batcher = new ParseBatcher(nlu);
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((t) => batcher.parse(t, at)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<Parse>).value.intent).toBe('i:c');
  });
});

describe('DialogueEngine with batched parsing', () => {
  const turns: [string, string][] = [
    ['u1', '我们是抖音小程序'],
    ['u2', '收不到工信部的短信怎么办'],
    ['u1', '输错5次了 提示请联系接入商查询核验结果 怎么办'],
    ['u3', 'how long is the verification code valid?'],
    ['u2', '微信小程序'],
    ['u3', 'I entered it wrong twice'],
  ];

  it('answers turns sent together as it answers them one at a time, each user in order', async () => {
    const one = newEngine().engine;
    const alone = [];
    for (const [userId, text] of turns) alone.push(await one.handle({ userId, text, timestamp: at, channel: 'test' }));
    const nlu = sharedNlu();
    const parseMany = jest.spyOn(nlu, 'parseMany');
    const { engine } = newEngine(nlu);
    const together = await Promise.all(turns.map(([userId, text]) => engine.handle({ userId, text, timestamp: at, channel: 'test' })));
    expect(parseMany).toHaveBeenCalledTimes(1);
    expect(parseMany.mock.calls[0][0]).toHaveLength(turns.length);
    parseMany.mockRestore();
    expect(together.map((r) => r.reply)).toEqual(alone.map((r) => r.reply));
    expect(together.map((r) => r.state)).toEqual(alone.map((r) => r.state));
    expect(together[2].state.platform).toBe('douyin');
    expect(together[2].reply.intent).toBe('verify.attempts_exhausted');
  });

  it('parses each message at once, without batches, when batching is off', async () => {
    const nlu = sharedNlu();
    const parseMany = jest.spyOn(nlu, 'parseMany');
    const engine = new DialogueEngine(nlu, new MemoryConversationStore(3600), undefined, undefined, { batchParses: false });
    const results = await Promise.all(turns.map(([userId, text]) => engine.handle({ userId, text, timestamp: at, channel: 'test' })));
    expect(parseMany.mock.calls.map((c) => c[0].length)).toEqual(turns.map(() => 1));
    expect(results[2].reply.intent).toBe('verify.attempts_exhausted');
    parseMany.mockRestore();
  });
});

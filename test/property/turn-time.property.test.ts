// No message stalls the event loop: long runs of whitespace, separators and digits around every
// word a pattern keys on ("后6", "last 6", "3分钟前", "8点", ...) cost a turn about what a plain
// message of the same length costs. Measured through the public surfaces (the engine's handle(),
// the JSON API, the WeChat channel) as a ratio to a plain message timed in the same test, since
// the machine is shared and absolute times are noise.
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../../src/app';
import { wechatSignature } from '../../src/channels/signatures';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import type { Message } from '../../src/core/types';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import type { UnansweredEntry, UnansweredLog } from '../../src/state/unanswered-log';
import { mask } from '../../src/privacy/mask';
import { sharedNlu, testConfig } from '../helpers';

// A turn may cost this many times a plain message of the same length (generous: a backtracking
// pattern costs hundreds to thousands of times more on these inputs).
const MAX_RATIO = 10;
const LENGTH = 2000;

// Words the entity, masking and dialogue patterns start from.
const TRIGGERS = [
  '后6',
  '后六位',
  '最后6位是',
  '末六位号码',
  'last 6',
  'last six digits are',
  '3分钟前',
  '半个小时前',
  '两天前晚上',
  '2 hours ago',
  '昨天晚上8点',
  '8点',
  '8点半',
  '9:30',
  'at 8',
  '8 pm',
  "8 o'clock",
  '第3次',
  '3次',
  'three times',
  'failed 2 more wrong attempts',
  '又输错',
  'wrong again',
  '收到了短信',
  'got the sms',
  'the code has arrived',
  '初审通过',
  '还没通过',
  'not yet verified',
  'how long until',
  '多久才',
  '审核通过的短信',
  '清除我的记录',
  '第2个',
  '1',
  '+86',
  '0086',
  '138',
  '110101',
  '验证码',
];
// What the long runs are made of.
const RUN_UNITS = [' ', '\t', '\u3000', '\u00a0', '\n', '-', '.', '_', '/', ',', '、', '\u200b', '\u00ad', '0', '1', '6', '一', '六', '*', ':', '个'];

const plainText = (length: number) => '我的核验短信一直收不到，换了手机也不行，请问应该怎么办？'.repeat(200).slice(0, length);

interface Case {
  text: string;
  label: string;
}
/** trigger + run + (trigger + run)? + a closing character that makes the patterns fail late. */
const adversarial: fc.Arbitrary<Case> = fc
  .tuple(
    fc.constantFrom(...TRIGGERS),
    fc.constantFrom(...RUN_UNITS),
    fc.option(fc.tuple(fc.constantFrom(...TRIGGERS), fc.constantFrom(...RUN_UNITS)), { nil: undefined }),
    fc.constantFrom('a', 'x', '字', '9', '?', ''),
  )
  .map(([trigger, unit, second, end]) => {
    const half = Math.floor((LENGTH - 40) / (second ? 2 : 1));
    let text = trigger + unit.repeat(half);
    if (second) text += second[0] + second[1].repeat(half);
    text += end;
    return {
      text: [...text].slice(0, LENGTH).join(''),
      label: `${trigger} + ${half} × ${JSON.stringify(unit)}${second ? ` + ${second[0]} + run` : ''} + ${end}`,
    };
  });

// The reproductions of issue 10, named.
const NAMED: Case[] = [
  { label: '后6 + 2,000 spaces + a letter', text: `后6${' '.repeat(1996)}a` },
  { label: '后6 + 2,000 tabs + a letter', text: `后6${'\t'.repeat(1996)}a` },
  { label: '后6 + 2,000 U+3000 + a letter', text: `后6${'\u3000'.repeat(1996)}a` },
  { label: 'last 6 + spaces + a letter', text: `last 6${' '.repeat(1990)}a` },
  { label: 'last + spaces + 6 + spaces', text: `last${' '.repeat(990)}6${' '.repeat(990)}a` },
  { label: '3 + spaces + x', text: `3${' '.repeat(1995)}x` },
  { label: '8点 + spaces + x', text: `8点${' '.repeat(1995)}x` },
  { label: '2,000 digits', text: '1'.repeat(2000) },
  { label: '1 and a space, 1,000 times', text: '1 '.repeat(1000) },
];

/** Records what the engine was given and masks it, as the unanswered log does. */
class MaskingUnansweredLog implements UnansweredLog {
  async record(entry: UnansweredEntry): Promise<void> {
    mask(entry.text);
  }
  async top(): Promise<[]> {
    return [];
  }
}

const engine = new DialogueEngine(sharedNlu(), new MemoryConversationStore(3600), undefined, new MaskingUnansweredLog());
let seq = 0;
const message = (text: string): Message => ({ userId: `turn-${++seq}`, text, timestamp: new Date('2026-01-02T02:00:00Z'), channel: 't' });

/** The fastest of `n` runs: a real stall is slow every time, a scheduling hiccup is not. */
async function fastest(n: number, run: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** The median of 5 runs of a plain message: the yardstick. */
async function plainMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(await fastest(1, run));
  return times.sort((a, b) => a - b)[2];
}

describe('no message stalls the event loop', () => {
  let plain = 0;
  beforeAll(async () => {
    await fastest(3, () => engine.handle(message(plainText(LENGTH)))); // warm-up
    plain = await plainMs(() => engine.handle(message(plainText(LENGTH))));
  });

  it.each(NAMED.map((c) => [c.label, c] as const))('the engine answers "%s" about as fast as plain text', async (_label, c) => {
    const ms = await fastest(2, () => engine.handle(message(c.text)));
    expect(ms / plain).toBeLessThan(MAX_RATIO);
  });

  it('the engine answers runs of whitespace, separators and digits around every trigger word about as fast as plain text', async () => {
    await fc.assert(
      fc.asyncProperty(adversarial, async (c) => {
        const ms = await fastest(2, () => engine.handle(message(c.text)));
        if (ms / plain >= MAX_RATIO) throw new Error(`${c.label}: ${ms.toFixed(1)} ms, plain ${plain.toFixed(1)} ms`);
      }),
      { numRuns: 60 },
    );
  });
});

describe('no message stalls the HTTP channels', () => {
  const TOKEN = 'tok';
  const seen: number[] = [];
  // The engine the channels call, recording the length of each text it is given.
  class RecordingEngine extends DialogueEngine {
    override handle(m: Message) {
      seen.push([...m.text].length);
      return super.handle(m);
    }
  }
  const recording = new RecordingEngine(sharedNlu(), new MemoryConversationStore(3600));
  const app = createApp({
    config: testConfig({ WECHAT_TOKEN: TOKEN, RATE_LIMIT_PER_MIN: '100000' }),
    engine: () => recording,
    store: new MemoryConversationStore(3600),
  });
  const nowS = () => String(Math.floor(Date.now() / 1000));
  let msgId = 5000;
  const wechat = (content: string) => {
    const timestamp = nowS();
    const nonce = `n${++msgId}`;
    const xml = `<xml><ToUserName><![CDATA[gh_bot]]></ToUserName><FromUserName><![CDATA[oLong${msgId}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
    return request(app)
      .post('/wechat')
      .query({ timestamp, nonce, signature: wechatSignature(TOKEN, timestamp, nonce) })
      .set('Content-Type', 'text/xml')
      .send(xml);
  };
  const api = (text: string) =>
    request(app)
      .post('/api/v1/messages')
      .send({ userId: `api-${++msgId}`, text });

  it('answers a 2,600-character WeChat message with 200 from its first 2,000 characters, about as fast as a plain one', async () => {
    const long = `后6${' '.repeat(2597)}a`;
    expect([...long].length).toBe(2600);
    await fastest(2, () => wechat(plainText(LENGTH))); // warm-up
    const plain = await plainMs(() => wechat(plainText(LENGTH)));
    seen.length = 0;
    let status = 0;
    const ms = await fastest(2, async () => {
      const res = await wechat(long);
      status = res.status;
    });
    expect(status).toBe(200);
    expect(seen).toEqual([2000, 2000]);
    expect(ms / plain).toBeLessThan(MAX_RATIO);
  });

  it('answers adversarial JSON API messages about as fast as plain ones', async () => {
    await fastest(2, () => api(plainText(LENGTH)));
    const plain = await plainMs(() => api(plainText(LENGTH)));
    for (const c of NAMED) {
      let status = 0;
      const ms = await fastest(2, async () => {
        status = (await api(c.text)).status;
      });
      expect(status).toBe(200);
      if (ms / plain >= MAX_RATIO) throw new Error(`${c.label}: ${ms.toFixed(1)} ms, plain ${plain.toFixed(1)} ms`);
    }
  });
});

// npm run wechaty without a network: one clear line per outage and a growing pause, not a stack per retry.
import { EventEmitter } from 'node:events';
import { WechatySupervisor, isNetworkError } from '../../src/channels/wechaty/wechaty-supervisor';

/** A bot whose start fails the way wechat4u does offline: an 'error' event per internal retry, then a rejection. */
class OfflineBot extends EventEmitter {
  stopped = 0;
  constructor(private readonly errors: number) {
    super();
  }
  async start(): Promise<void> {
    for (let i = 0; i < this.errors; i++) this.emit('error', new Error('getaddrinfo ENOTFOUND login.wx.qq.com'));
    throw new Error('getaddrinfo ENOTFOUND login.wx.qq.com');
  }
  async stop(): Promise<void> {
    this.stopped++;
  }
}

describe('WechatySupervisor', () => {
  it('prints one line per outage, stops the failing bot and retries with a doubling pause', async () => {
    const lines: string[] = [];
    const waits: number[] = [];
    const bots: OfflineBot[] = [];
    let release: () => void = () => undefined;
    const supervisor = new WechatySupervisor({
      create: () => {
        const bot = new OfflineBot(50);
        bots.push(bot);
        return bot;
      },
      print: (line) => lines.push(line),
      wait: (ms) => {
        waits.push(ms);
        // The third pause never ends, so the test sees exactly three tries.
        return waits.length < 3 ? Promise.resolve() : new Promise<void>((r) => (release = r));
      },
    });
    await supervisor.start();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(bots).toHaveLength(3);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/Cannot reach WeChat.*ENOTFOUND.*Trying again in 5 s/);
    expect(waits).toEqual([5000, 10000, 20000]);
    expect(bots.every((b) => b.stopped >= 1)).toBe(true);
    await supervisor.stop();
    release();
    await new Promise((r) => setImmediate(r));
    expect(bots).toHaveLength(3); // stopped: no fourth try
  });

  it('tells network errors from others, however the puppet wraps them', () => {
    expect(isNetworkError(new Error('connect ECONNREFUSED 127.0.0.1:443'))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('request failed'), { code: 'EAI_AGAIN' }))).toBe(true);
    expect(isNetworkError(new Error('timeout of 30000ms exceeded'))).toBe(true);
    expect(isNetworkError(new Error('puppet token invalid'))).toBe(false);
  });
});

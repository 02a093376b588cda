import { messageBody, plainlyValid } from '../../src/channels/json/json-webhook-channel';

// POST /api/v1/messages checks a body directly and asks the zod schema only about the rest: for
// every body JSON can carry, both must agree, and a body checked directly must read the same.
describe('message body check', () => {
  const long = (n: number, c = 'a') => c.repeat(n);
  const pools: Record<string, unknown[]> = {
    userId: [undefined, null, '', 'u', 'wechat:oAbC-123', long(128), long(129), 'a\u0007b', 'a\u0085b', 'a\u007fb', '用户 1', '😀', 5, true, ['u']],
    text: [undefined, null, '', '   ', '\n', 'hi', '验证码收不到', long(2000), long(2001), long(1000, '😀'), long(1001, '😀'), 3, {}, ['x']],
    timestamp: [undefined, null, 0, 1767225600, 1767225600123, 1.5, -1, '2026-01-01T00:00:00Z', long(64, '1'), long(65, '1'), true, {}],
    platform: [undefined, null, 'wechat', 'douyin', 'tencent_cloud', 'alipay', '', 1],
    channel: [undefined, null, 'webhook', '', long(64), long(65), 7],
    extra: [undefined, 'kept out', null],
  };
  let seed = 3;
  const pick = <T>(xs: T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return xs[seed % xs.length];
  };
  const bodies: unknown[] = [null, [], 'text', 5, true, {}];
  for (let i = 0; i < 20_000; i++) {
    const b: Record<string, unknown> = {};
    for (const [k, pool] of Object.entries(pools)) {
      const v = pick(pool);
      if (v !== undefined) b[k] = v;
    }
    // Through JSON, as the handler receives it.
    bodies.push(JSON.parse(JSON.stringify(b)));
  }

  it('accepts exactly the bodies the schema accepts, with the same fields', () => {
    let accepted = 0;
    const disagreeing: unknown[] = [];
    for (const body of bodies) {
      const parsed = messageBody.safeParse(body);
      if (plainlyValid(body) !== parsed.success) disagreeing.push(body);
      else if (parsed.success) {
        accepted++;
        const direct = body as Record<string, unknown>;
        for (const k of ['userId', 'text', 'timestamp', 'platform', 'channel'] as const) {
          if (direct[k] !== parsed.data[k]) disagreeing.push(body);
        }
      }
    }
    expect(disagreeing.slice(0, 5)).toEqual([]);
    expect(accepted).toBeGreaterThan(200);
  });
});

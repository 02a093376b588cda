import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookReminderSender } from '../../../src/reminders/senders/webhook-reminder-sender';
import { freePort } from '../../free-port';
import { fakeApi, type FakeApi, type Received } from '../fake-api';

const SECRET = 'reminder-secret';
const DEADLINE = new Date('2026-03-11T02:00:00.000Z');

/** What a deployment's receiver does (api.md): refuse a stale timestamp or a wrong signature with 401. */
function verified(req: Received): boolean {
  const ts = String(req.headers['x-signature-timestamp'] ?? '');
  const sig = String(req.headers['x-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex')}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
  return fresh && sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

describe('WebhookReminderSender (JSON API users)', () => {
  let api: FakeApi | undefined;
  const sleeps: number[] = [];
  const sender = (url: string, secret: string | null = SECRET) =>
    new WebhookReminderSender({ url, secret: secret ?? undefined, retries: 3, backoffMs: 1000, sleep: async (ms) => sleeps.push(ms) });

  beforeEach(() => {
    sleeps.length = 0;
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('POSTs { userId, text, deadline, lang } signed with the timestamp and HMAC of "<timestamp>.<body>"', async () => {
    api = await fakeApi((req) => ({ status: verified(req) ? 200 : 401 }));
    const result = await sender(`${api.url}/hooks/reminders`).send('u-123', '还剩 2 小时', { lang: 'zh-Hans', deadline: DEADLINE });
    expect(result).toEqual({ status: 'sent' });
    expect(api.received).toHaveLength(1);
    const [req] = api.received;
    expect(req).toMatchObject({ method: 'POST', path: '/hooks/reminders' });
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(req.body)).toEqual({ userId: 'u-123', text: '还剩 2 小时', deadline: '2026-03-11T02:00:00.000Z', lang: 'zh-Hans' });
  });

  it("is refused by a receiver that checks the signature when the secret doesn't match", async () => {
    api = await fakeApi((req) => ({ status: verified(req) ? 200 : 401 }));
    expect(await sender(api.url, 'another-secret').send('u-1', 'x', { deadline: DEADLINE })).toEqual({ status: 'failed', reason: 'http_4xx' });
    expect(await sender(api.url, null).send('u-1', 'x', { deadline: DEADLINE })).toEqual({ status: 'failed', reason: 'http_4xx' });
    // Unsigned when no secret is configured: no signature headers at all.
    expect(api.received[1].headers['x-signature']).toBeUndefined();
  });

  it('retries a 5xx with growing backoff, signing each attempt, and succeeds', async () => {
    let calls = 0;
    api = await fakeApi((req) => ({ status: ++calls <= 2 ? 503 : verified(req) ? 200 : 401 }));
    expect(await sender(api.url).send('u-1', 'x', { deadline: DEADLINE })).toEqual({ status: 'sent' });
    expect(api.received).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(2000);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0]);
  });

  it('does not retry a 4xx', async () => {
    api = await fakeApi(() => ({ status: 422 }));
    expect(await sender(api.url).send('u-1', 'x')).toEqual({ status: 'failed', reason: 'http_4xx' });
    expect(api.received).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it('gives up after the configured retries of a 5xx', async () => {
    api = await fakeApi(() => ({ status: 500 }));
    expect(await sender(api.url).send('u-1', 'x')).toEqual({ status: 'failed', reason: 'http_5xx' });
    expect(api.received).toHaveLength(4);
  });

  it('retries a network error (nothing listening) and reports it', async () => {
    const port = await freePort();
    expect(await sender(`http://127.0.0.1:${port}/`).send('u-1', 'x')).toEqual({ status: 'failed', reason: 'network' });
    expect(sleeps).toHaveLength(3);
  });
});

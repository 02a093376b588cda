import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { DouyinApiClient } from '../../src/channels/douyin/douyin-api-client';
import { DOUYIN_TEXT_ONLY_REPLY, douyinRouter } from '../../src/channels/douyin/douyin-channel';
import type { EngineResult } from '../../src/core/dialogue-engine';
import type { Message } from '../../src/core/types';
import { rootLogger } from '../../src/logger';
import { MemoryIdempotencyStore } from '../../src/state/idempotency-store';

const CLIENT_KEY = 'awtestkey';
const CLIENT_SECRET = 'test-secret-0123456789';
const ACCOUNT = 'account-open-id'; // the bot's own open_id (to_user_id of received messages)
const USER = 'user-open-id';

interface Recorded {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A local stand-in for open.douyin.com: records calls, answers tokens tok-1, tok-2…; sends can be scripted. */
class FakeDouyin {
  readonly requests: Recorded[] = [];
  tokensIssued = 0;
  /** err_no for the next sends, first to last (401: an HTTP 401); empty means success. */
  sendErrors: number[] = [];
  tokenErrorCode = 0;
  private server = http.createServer((req, res) => this.serve(req, res));
  baseUrl = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.tokensIssued = 0;
    this.sendErrors = [];
    this.tokenErrorCode = 0;
  }

  paths(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (this.requests.length < 200) this.requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/oauth/client_token/') {
        if (this.tokenErrorCode) return res.end(JSON.stringify({ data: { error_code: this.tokenErrorCode, description: 'bad client' } }));
        this.tokensIssued += 1;
        return res.end(
          JSON.stringify({ data: { access_token: `tok-${this.tokensIssued}`, expires_in: 7200, error_code: 0, description: '' }, message: 'success' }),
        );
      }
      if (url.pathname === '/im/send/msg/') {
        const errNo = this.sendErrors.shift() ?? 0;
        if (errNo === 401) {
          res.statusCode = 401;
          return res.end('{}');
        }
        return res.end(JSON.stringify({ err_no: errNo, err_msg: errNo ? 'access token expired' : '', log_id: 'l1', data: {} }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
  }
}

const fake = new FakeDouyin();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

function engineResult(text: string): EngineResult {
  return { reply: { text, intent: 'sms.not_received', confidence: 0.9, lang: 'zh-Hans', suggestions: [], sources: [] }, state: {} } as unknown as EngineResult;
}

const sign = (body: string) =>
  createHash('sha1')
    .update(CLIENT_SECRET + body)
    .digest('hex');

function setup(handleImpl?: (m: Message) => Promise<EngineResult>) {
  fake.reset();
  const handle = jest.fn(handleImpl ?? (async (m: Message) => engineResult(`答复: ${m.text}`)));
  const pending: Promise<void>[] = [];
  const idempotency = new MemoryIdempotencyStore();
  const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl });
  const app = express();
  app.use('/douyin', douyinRouter({ handle, idempotency, clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, api, onProcessed: (p) => pending.push(p) }));
  const post = (body: string, headers: Record<string, string> = { 'X-Douyin-Signature': sign(body) }) =>
    request(app).post('/douyin').set('Content-Type', 'application/json').set(headers).send(body);
  const settled = async () => {
    await Promise.all(pending);
  };
  return { app, handle, post, settled, idempotency, api };
}

let stores: MemoryIdempotencyStore[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});
function tracked<T extends { idempotency: MemoryIdempotencyStore }>(t: T): T {
  stores.push(t.idempotency);
  return t;
}

let seq = 0;
function textEvent(text: string, opts: { asString?: boolean; type?: string; id?: string } = {}): { body: string; id: string } {
  const id = opts.id ?? `7000000000000${++seq}`;
  const content = {
    conversation_short_id: 'conv-42',
    server_message_id: id,
    conversation_type: 1,
    create_time: Math.floor(Date.now() / 1000),
    message_type: opts.type ?? 'text',
    text: opts.type && opts.type !== 'text' ? undefined : text,
  };
  const body = JSON.stringify({
    event: 'im_receive_msg',
    client_key: CLIENT_KEY,
    from_user_id: USER,
    to_user_id: ACCOUNT,
    content: opts.asString ? JSON.stringify(content) : content,
    log_id: 'log-1',
  });
  return { body, id };
}

describe('verify_webhook', () => {
  it.each([
    ['an object', { challenge: 12345 }],
    ['a JSON string', JSON.stringify({ challenge: 12345 })],
  ])('echoes the challenge when content is %s', async (_label, content) => {
    const { post, handle } = tracked(setup());
    const body = JSON.stringify({ event: 'verify_webhook', client_key: CLIENT_KEY, from_user_id: '', to_user_id: '', content });
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 12345 });
    expect(handle).not.toHaveBeenCalled();
  });
});

describe('signature', () => {
  it.each([
    ['missing', {}],
    ['wrong', { 'X-Douyin-Signature': 'a'.repeat(40) }],
    ['of another secret', { 'X-Douyin-Signature': 'x' }],
  ])('%s signature -> 401, nothing processed', async (_label, headers) => {
    const { post, handle, settled } = tracked(setup());
    const { body } = textEvent('收不到核验短信');
    const res = await post(body, headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    await settled();
    expect(handle).not.toHaveBeenCalled();
    expect(fake.requests).toHaveLength(0);
  });

  it('a signature over different bytes (re-serialized JSON) is rejected', async () => {
    const { post, handle } = tracked(setup());
    const { body } = textEvent('hi');
    const res = await post(JSON.stringify(JSON.parse(body), null, 1), { 'X-Douyin-Signature': sign(body) });
    expect(res.status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
  });

  it('malformed JSON with a valid signature -> 400', async () => {
    const { post, handle } = tracked(setup());
    const res = await post('{"event":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(handle).not.toHaveBeenCalled();
  });
});

describe('im_receive_msg', () => {
  it('acknowledges at once, then sends the reply with the right ids', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { post, handle, settled } = tracked(
      setup(async (m) => {
        await gate;
        return engineResult(`答复: ${m.text}`);
      }),
    );
    const { body, id } = textEvent('收不到核验短信怎么办');
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(fake.paths('/im/send/msg/')).toHaveLength(0); // the answer is not waited for
    release();
    await settled();

    expect(handle).toHaveBeenCalledTimes(1);
    const message = handle.mock.calls[0][0];
    expect(message).toMatchObject({ userId: `douyin:${USER}`, text: '收不到核验短信怎么办', channel: 'douyin', messageId: id });
    expect(message.platform).toBeUndefined();
    expect(message.timestamp).toBeInstanceOf(Date);

    const sends = fake.paths('/im/send/msg/');
    expect(sends).toHaveLength(1);
    expect(sends[0].query.get('open_id')).toBe(ACCOUNT);
    expect(sends[0].headers['access-token']).toBe('tok-1');
    expect(sends[0].body).toEqual({
      msg_id: id,
      conversation_id: 'conv-42',
      to_user_id: USER,
      content: { msg_type: 1, text: { text: '答复: 收不到核验短信怎么办' } },
    });
    const tokens = fake.paths('/oauth/client_token/');
    expect(tokens).toHaveLength(1);
    expect(tokens[0].body).toEqual({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'client_credential' });
  });

  it('reads content given as a JSON string', async () => {
    const { post, handle, settled } = tracked(setup());
    const { body } = textEvent('how long is the code valid', { asString: true });
    expect((await post(body)).status).toBe(200);
    await settled();
    expect(handle).toHaveBeenCalledTimes(1);
    expect(handle.mock.calls[0][0].text).toBe('how long is the code valid');
    expect(fake.paths('/im/send/msg/').map((r) => r.body.content.text.text)).toEqual(['答复: how long is the code valid']);
  });

  it('a retry with the same Msg-Id gets 200 and triggers nothing', async () => {
    const { post, handle, settled } = tracked(setup());
    const { body } = textEvent('验证码错误');
    const headers = { 'X-Douyin-Signature': sign(body), 'Msg-Id': 'delivery-1' };
    const [a, b] = await Promise.all([post(body, headers), post(body, headers)]);
    const c = await post(body, headers);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    await settled();
    expect(handle).toHaveBeenCalledTimes(1);
    expect(fake.paths('/im/send/msg/')).toHaveLength(1);
  });

  it('the same Msg-Id from another user (or to another account) is a new message, answered to that user', async () => {
    const { post, handle, settled } = tracked(setup());
    const first = textEvent('验证码错误', { id: 'same-id' });
    await post(first.body, { 'X-Douyin-Signature': sign(first.body), 'Msg-Id': 'delivery-x' });
    const other = JSON.parse(textEvent('收不到短信', { id: 'same-id' }).body);
    other.from_user_id = 'another-user';
    const otherBody = JSON.stringify(other);
    await post(otherBody, { 'X-Douyin-Signature': sign(otherBody), 'Msg-Id': 'delivery-x' });
    const account = JSON.parse(first.body);
    account.to_user_id = 'another-account';
    const accountBody = JSON.stringify(account);
    await post(accountBody, { 'X-Douyin-Signature': sign(accountBody), 'Msg-Id': 'delivery-x' });
    await settled();
    expect(handle.mock.calls.map((c) => c[0].userId)).toEqual([`douyin:${USER}`, 'douyin:another-user', `douyin:${USER}`]);
    expect(fake.paths('/im/send/msg/').map((r) => r.body.to_user_id)).toEqual([USER, 'another-user', USER]);
  });

  it('without Msg-Id, dedups on server_message_id', async () => {
    const { post, handle, settled } = tracked(setup());
    const { body } = textEvent('验证码错误');
    await post(body);
    await post(body);
    await settled();
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('a non-text message gets the polite text-only reply without calling the engine', async () => {
    const { post, handle, settled } = tracked(setup());
    const { body, id } = textEvent('', { type: 'image' });
    expect((await post(body)).status).toBe(200);
    await settled();
    expect(handle).not.toHaveBeenCalled();
    const sends = fake.paths('/im/send/msg/');
    expect(sends).toHaveLength(1);
    expect(sends[0].body).toMatchObject({ msg_id: id, to_user_id: USER, content: { msg_type: 1, text: { text: DOUYIN_TEXT_ONLY_REPLY } } });
    expect(DOUYIN_TEXT_ONLY_REPLY).toContain('请直接输入文字问题');
    expect(DOUYIN_TEXT_ONLY_REPLY).toContain('Please type your question as text');
  });

  it('ignores a message outside the replay window', async () => {
    const { post, handle, settled } = tracked(setup());
    const stale = JSON.parse(textEvent('hi').body);
    stale.content.create_time = Math.floor(Date.now() / 1000) - 3600;
    expect((await post(JSON.stringify(stale))).status).toBe(200);
    await settled();
    expect(handle).not.toHaveBeenCalled();
  });

  it('ignores im_send_msg, the account talking to itself and other events', async () => {
    const { post, handle, settled } = tracked(setup());
    const own = JSON.stringify({
      event: 'im_receive_msg',
      from_user_id: ACCOUNT,
      to_user_id: ACCOUNT,
      content: { conversation_short_id: 'c', server_message_id: 's', message_type: 'text', text: 'hi' },
    });
    const sent = JSON.stringify({
      event: 'im_send_msg',
      from_user_id: ACCOUNT,
      to_user_id: USER,
      content: { server_message_id: 's2', message_type: 'text', text: 'hi' },
    });
    const other = JSON.stringify({ event: 'im_enter_direct_msg', from_user_id: USER, to_user_id: ACCOUNT, content: {} });
    for (const body of [own, sent, other]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
    await settled();
    expect(handle).not.toHaveBeenCalled();
    expect(fake.requests).toHaveLength(0);
  });

  it('a failing engine is logged at error level without the text, not unhandled, and sends nothing', async () => {
    const logged: Record<string, unknown>[] = [];
    const transport = rootLogger.transports[0];
    const spy = jest.spyOn(transport, 'log' as never).mockImplementation(((info: Record<string, unknown>, next?: () => void) => {
      logged.push(info);
      next?.();
    }) as never);
    try {
      const { post, settled } = tracked(
        setup(async () => {
          throw new Error('engine down');
        }),
      );
      expect((await post(textEvent('我的手机号13800000000').body)).status).toBe(200);
      await expect(settled()).resolves.toBeUndefined();
      expect(fake.paths('/im/send/msg/')).toHaveLength(0);
      expect(logged).toEqual([expect.objectContaining({ level: 'error', module: 'douyin', userId: `douyin:${USER}`, error: 'engine down' })]);
      expect(JSON.stringify(logged)).not.toContain('13800000000');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('DouyinApiClient token', () => {
  it('caches the token across two messages (one token request)', async () => {
    const { post, settled } = tracked(setup());
    await post(textEvent('one').body);
    await settled();
    await post(textEvent('two').body);
    await settled();
    expect(fake.paths('/oauth/client_token/')).toHaveLength(1);
    expect(fake.paths('/im/send/msg/').map((r) => r.headers['access-token'])).toEqual(['tok-1', 'tok-1']);
  });

  it('concurrent callers share one token request', async () => {
    fake.reset();
    const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl });
    expect(await Promise.all([api.clientToken(), api.clientToken(), api.clientToken()])).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(fake.paths('/oauth/client_token/')).toHaveLength(1);
  });

  it('refreshes 5 minutes before expiry', async () => {
    fake.reset();
    let now = 1_000_000;
    const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl, now: () => now });
    expect(await api.clientToken()).toBe('tok-1');
    now += (7200 - 301) * 1000;
    expect(await api.clientToken()).toBe('tok-1');
    now += 2000;
    expect(await api.clientToken()).toBe('tok-2');
  });

  it('an expired token error refreshes the token once and retries', async () => {
    const { post, settled } = tracked(setup());
    fake.sendErrors = [28001008];
    await post(textEvent('hi').body);
    await settled();
    expect(fake.paths('/oauth/client_token/')).toHaveLength(2);
    expect(fake.paths('/im/send/msg/').map((r) => r.headers['access-token'])).toEqual(['tok-1', 'tok-2']);
  });

  it('an HTTP 401 also refreshes the token once', async () => {
    fake.reset();
    fake.sendErrors = [401];
    const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl });
    await api.sendText({ toUserId: USER, fromUserId: ACCOUNT, conversationId: 'c', serverMessageId: 's', text: 't' });
    expect(fake.paths('/im/send/msg/').map((r) => r.headers['access-token'])).toEqual(['tok-1', 'tok-2']);
  });

  it('retries only once: a second auth error is thrown', async () => {
    fake.reset();
    fake.sendErrors = [28001003, 28001003];
    const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl });
    await expect(api.sendText({ toUserId: USER, fromUserId: ACCOUNT, conversationId: 'c', serverMessageId: 's', text: 't' })).rejects.toThrow(/28001003/);
    expect(fake.paths('/im/send/msg/')).toHaveLength(2);
  });

  it('a token error carries the code, never the secret', async () => {
    fake.reset();
    fake.tokenErrorCode = 10003;
    const api = new DouyinApiClient({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, baseUrl: fake.baseUrl });
    const err = await api.clientToken().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('10003');
    expect((err as Error).message).not.toContain(CLIENT_SECRET);
  });
});

import { execFile, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import request from 'supertest';
import { createApp } from '../../src/app';
import { newEngine, testConfig } from '../helpers';

const SECRET = 's3cret';
const { engine, store } = newEngine();
const app = createApp({ config: testConfig({ WEBHOOK_SECRET: SECRET, WEBHOOK_MAX_SKEW_S: '300' }), engine: () => engine, store });
const body = JSON.stringify({ userId: 'signed-1', text: 'hello' });
const unsigned = JSON.stringify({ userId: 'signed-bad', text: 'we use douyin' });
const nowS = () => String(Math.floor(Date.now() / 1000));
/** X-Signature for a timestamp and body: sha256=<hex HMAC-SHA256 of "<timestamp>." + body> (api.md). */
const sign = (raw: string | Buffer, ts: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${ts}.`), Buffer.from(raw)]))
    .digest('hex')}`;
const send = (raw: string | Buffer, headers: Record<string, string | undefined> = {}) => {
  let req = request(app).post('/api/v1/messages').set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) req = req.set(k, v);
  return req.send(raw);
};
const signed = (raw: string, ts = nowS()) => send(raw, { 'X-Signature-Timestamp': ts, 'X-Signature': sign(raw, ts) });

describe('signed JSON webhook (WEBHOOK_SECRET set)', () => {
  it('accepts a request signed over "<timestamp>." followed by the body', async () => {
    const res = await signed(body);
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('chat.greeting');
  });

  it('accepts the hex digest in upper case too', async () => {
    const ts = nowS();
    const res = await send(body, { 'X-Signature-Timestamp': ts, 'X-Signature': `sha256=${sign(body, ts).slice('sha256='.length).toUpperCase()}` });
    expect(res.status).toBe(200);
  });

  it('accepts an identical request again inside the window (a client retry)', async () => {
    const ts = nowS();
    const headers = { 'X-Signature-Timestamp': ts, 'X-Signature': sign(body, ts) };
    expect((await send(body, headers)).status).toBe(200);
    expect((await send(body, headers)).status).toBe(200);
  });

  const ts = nowS();
  it.each([
    ['no signature and no timestamp', {}],
    ['a signature without a timestamp (the old scheme)', { 'X-Signature': `sha256=${createHmac('sha256', SECRET).update(unsigned).digest('hex')}` }],
    ['a timestamp outside WEBHOOK_MAX_SKEW_S', { 'X-Signature-Timestamp': String(Number(ts) - 301), 'X-Signature': sign(unsigned, String(Number(ts) - 301)) }],
    ['a timestamp ahead of the window', { 'X-Signature-Timestamp': String(Number(ts) + 400), 'X-Signature': sign(unsigned, String(Number(ts) + 400)) }],
    ['a timestamp that is not Unix seconds', { 'X-Signature-Timestamp': 'now', 'X-Signature': sign(unsigned, 'now') }],
    ['a signature over another timestamp', { 'X-Signature-Timestamp': ts, 'X-Signature': sign(unsigned, String(Number(ts) - 1)) }],
    ['a signature with another secret', { 'X-Signature-Timestamp': ts, 'X-Signature': sign(unsigned, ts, 'other') }],
    ['a signature of another body', { 'X-Signature-Timestamp': ts, 'X-Signature': sign(body, ts) }],
    ['a bare hex digest without the sha256= prefix', { 'X-Signature-Timestamp': ts, 'X-Signature': sign(unsigned, ts).slice('sha256='.length) }],
  ])('401 for %s, and nothing is processed', async (_name, headers) => {
    const res = await send(unsigned, headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toMatch(/^(invalid|stale)_signature$/);
    expect(await store.get('signed-bad')).toBeUndefined();
  });

  it('checks the signature before parsing: unsigned malformed JSON is 401, not 400', async () => {
    expect((await send('{oops')).status).toBe(401);
    expect((await signed('{oops')).status).toBe(400);
  });

  it('signs the body as sent before any Content-Encoding: a gzipped request carries the signature of its JSON', async () => {
    const t = nowS();
    const gz = zlib.gzipSync(Buffer.from(body));
    // supertest would re-encode a Buffer sent as JSON: the bytes go out through node:http.
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const rawPost = (signature: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/messages',
            headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Signature-Timestamp': t, 'X-Signature': signature },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(gz);
      });
    try {
      expect(await rawPost(sign(body, t))).toBe(200);
      // A signature of the compressed bytes is not what the bot checks.
      expect(await rawPost(sign(gz, t))).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("the README's curl / openssl example", () => {
  const hasTools = ['curl', 'openssl'].every((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`]);
      return true;
    } catch {
      return false;
    }
  });
  (hasTools ? it : it.skip)('gets a 200 from the bot when run as written', async () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const script = /```sh\n(SECRET=[\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      // The example talks to localhost:3000 with the secret s3cret; point it at this server.
      const run = script!.replace(/localhost:3000/g, `127.0.0.1:${port}`).replace(/curl -s /g, 'curl -s -w "\\n%{http_code}" ');
      const out = await new Promise<string>((resolve, reject) => {
        execFile('bash', ['-c', run], (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)));
      });
      expect(out.trim().split('\n').pop()).toBe('200');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('JSON webhook without WEBHOOK_SECRET', () => {
  it('stays open', async () => {
    const { engine: e, store: s } = newEngine();
    const open = createApp({ config: testConfig(), engine: () => e, store: s });
    const res = await request(open).post('/api/v1/messages').send({ userId: 'u', text: 'hi' });
    expect(res.status).toBe(200);
  });
});

import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { createApp } from '../../src/app';
import { newEngine, testConfig } from '../helpers';

// Headers that differ between any two responses or apps, not security headers.
const VARYING = new Set(['date', 'etag', 'x-request-id', 'content-length', 'connection', 'keep-alive']);
const securityHeaders = (headers: Record<string, string>) => Object.entries(headers).filter(([name]) => !VARYING.has(name));

describe('security headers', () => {
  it("are exactly helmet's defaults, in helmet's order, on the API's answers and errors", async () => {
    const plain = express();
    plain.disable('x-powered-by');
    plain.use(helmet());
    plain.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
    const expected = securityHeaders((await request(plain).get('/healthz')).headers);
    expect(expected.map(([name]) => name)).toContain('content-security-policy');

    const { engine, store } = newEngine();
    const app = createApp({ config: testConfig(), engine: () => engine, store });
    const ok = await request(app).get('/healthz');
    expect(securityHeaders(ok.headers as Record<string, string>)).toEqual(expected);
    const missing = await request(app).get('/nope');
    expect(missing.status).toBe(404);
    const errorHeaders = securityHeaders(missing.headers);
    for (const header of expected.filter(([name]) => name !== 'content-type')) expect(errorHeaders).toContainEqual(header);
    expect(missing.headers['x-powered-by']).toBeUndefined();
  });
});

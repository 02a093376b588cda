import { Metrics } from '../../src/metrics';

describe('turn metrics', () => {
  const value = async (m: Metrics, name: string, labels: Record<string, string> = {}) => {
    const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = metric?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
    return v?.value;
  };

  it('shows every turn at the next scrape, counted once', async () => {
    const m = new Metrics();
    m.understood(0.0002);
    m.answered({ seconds: 0.0004, intent: 'sms.not_received', decidedBy: 'classifier', fallback: false });
    m.understood(0.0003);
    m.answered({ seconds: 0.002, intent: 'fallback', decidedBy: 'out_of_scope', fallback: true });
    expect(await value(m, 'beian_intents_total', { intent: 'sms.not_received' })).toBe(1);
    expect(await value(m, 'beian_intents_total', { intent: 'fallback' })).toBe(1);
    expect(await value(m, 'beian_decisions_total', { decided_by: 'classifier' })).toBe(1);
    expect(await value(m, 'beian_fallbacks_total', { reason: 'out_of_scope' })).toBe(1);
    m.requested('json', '200');
    m.requested('json', '200');
    m.requested('wechat', '400');
    expect(await value(m, 'beian_http_requests_total', { channel: 'json', status: '200' })).toBe(2);
    expect(await value(m, 'beian_http_requests_total', { channel: 'wechat', status: '400' })).toBe(1);
    const text = await m.registry.metrics();
    expect(text).toMatch(/beian_classification_seconds_count 2/);
    expect(text).toMatch(/beian_reply_seconds_count 2/);
    expect(text).toMatch(/beian_reply_seconds_bucket\{le="0.0005"\} 1/);
    // A second scrape counts nothing twice.
    expect(await m.registry.metrics()).toMatch(/beian_intents_total\{intent="fallback"\} 1/);
  });

  it('hands turns to prom-client in batches between scrapes, so waiting turns stay bounded', async () => {
    const m = new Metrics();
    for (let i = 0; i < 1000; i++) m.answered({ seconds: 0.001, intent: 'chat.greeting', decidedBy: 'classifier', fallback: false });
    expect(m.waiting).toBeLessThan(300);
    expect((await m.intents.get()).values.find((v) => v.labels.intent === 'chat.greeting')?.value).toBe(1000);
    expect(m.waiting).toBe(0);
  });
});

import { WechatApiClient } from '../../../src/channels/wechat/wechat-api-client';
import { WechatCustomerServiceSender } from '../../../src/reminders/senders/wechat-customer-service-sender';
import { MemoryServiceWindow } from '../../../src/state/service-window';
import { fakeApi, type FakeApi } from '../fake-api';

const H = 3600_000;
const USER = 'wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs';

describe('WechatCustomerServiceSender (WeChat OA customer-service API)', () => {
  let api: FakeApi;
  let now: number;
  let window: MemoryServiceWindow;
  let sendErrcode: number;

  beforeEach(async () => {
    sendErrcode = 0;
    api = await fakeApi((req) => {
      if (req.path === '/cgi-bin/token') return { json: { access_token: 'TOKEN', expires_in: 7200 } };
      if (req.path === '/cgi-bin/message/custom/send' && req.query.get('access_token') === 'TOKEN') return { json: { errcode: sendErrcode, errmsg: 'x' } };
      return { json: { errcode: 40001 } };
    });
    now = Date.parse('2026-03-10T02:00:00Z');
    window = new MemoryServiceWindow();
  });
  afterEach(async () => {
    await api.close();
    await window.close();
  });

  const sender = () => new WechatCustomerServiceSender(new WechatApiClient({ appId: 'wx1', appSecret: 's', baseUrl: api.url }), window, () => new Date(now));
  const sends = () => api.received.filter((r) => r.path === '/cgi-bin/message/custom/send').map((r) => JSON.parse(r.body));

  it('sends a text to the OpenID within 48 h of the user message', async () => {
    await window.recordInbound(USER, new Date(now));
    now += 47 * H;
    expect(await sender().send(USER, '提醒：还剩 2 小时')).toEqual({ status: 'sent' });
    expect(sends()).toEqual([{ touser: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', msgtype: 'text', text: { content: '提醒：还剩 2 小时' } }]);
  });

  it('sends nothing 48 h after the last user message, or to a user who never wrote', async () => {
    expect(await sender().send(USER, 'x')).toEqual({ status: 'skipped', reason: 'outside_window' });
    await window.recordInbound(USER, new Date(now));
    now += 48 * H;
    expect(await sender().send(USER, 'x')).toEqual({ status: 'skipped', reason: 'outside_window' });
    expect(sends()).toHaveLength(0);
  });

  it('sends at most 5 messages per user message, counting what else was sent in the window', async () => {
    const s = sender();
    await window.recordInbound(USER, new Date(now));
    // Four messages already went out in this window (say, the rest of a long answer).
    for (let i = 0; i < 4; i++) expect(await window.tryConsume(USER, new Date(now))).toEqual({ allowed: true });
    expect(await s.send(USER, 'reminder 1')).toEqual({ status: 'sent' });
    expect(await s.send(USER, 'reminder 2')).toEqual({ status: 'skipped', reason: 'quota_exhausted' });
    await window.recordInbound(USER, new Date(now + H));
    now += 2 * H;
    expect(await s.send(USER, 'reminder 3')).toEqual({ status: 'sent' });
    expect(sends().map((b) => b.text.content)).toEqual(['reminder 1', 'reminder 3']);
  });

  it("reads WeChat's own window and quota refusals as skipped, other errors as failed", async () => {
    await window.recordInbound(USER, new Date(now));
    sendErrcode = 45015;
    expect(await sender().send(USER, 'x')).toEqual({ status: 'skipped', reason: 'outside_window' });
    sendErrcode = 45047;
    expect(await sender().send(USER, 'x')).toEqual({ status: 'skipped', reason: 'quota_exhausted' });
    sendErrcode = 43004;
    expect(await sender().send(USER, 'x')).toEqual({ status: 'failed', reason: 'errcode_43004' });
  });

  it('skips a key that is not a WeChat OpenID key', async () => {
    expect(await sender().send('u-1', 'x')).toEqual({ status: 'skipped', reason: 'not_addressable' });
  });
});

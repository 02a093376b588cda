import { DouyinApiClient } from '../../../src/channels/douyin/douyin-api-client';
import { DouyinImSender } from '../../../src/reminders/senders/douyin-im-sender';
import { MemoryClaimStore } from '../../../src/state/claim-store';
import { fakeApi, type FakeApi } from '../fake-api';

const H = 3600_000;
const delivery = { channel: 'douyin' as const, douyin: { conversationId: 'conv-1', accountOpenId: 'acct-open-id', serverMessageId: 'srv-9' } };

describe('DouyinImSender (Douyin IM send API)', () => {
  let api: FakeApi;
  let now: number;
  let errNo: number;

  beforeEach(async () => {
    now = Date.parse('2026-03-10T02:00:00Z');
    errNo = 0;
    api = await fakeApi((req) => {
      if (req.path === '/oauth/client_token/') return { json: { data: { access_token: 'CT', expires_in: 7200, error_code: 0 } } };
      if (req.path === '/im/send/msg/' && req.headers['access-token'] === 'CT') return { json: { err_no: errNo, err_msg: '' } };
      return { status: 401, json: {} };
    });
  });
  afterEach(async () => {
    await api.close();
  });

  const sender = (claims = new MemoryClaimStore(() => now)) =>
    new DouyinImSender(new DouyinApiClient({ clientKey: 'ck', clientSecret: 'cs', baseUrl: api.url, now: () => now }), claims);
  const sends = () => api.received.filter((r) => r.path === '/im/send/msg/');

  it("sends in the user's conversation, from the account", async () => {
    expect(await sender().send('douyin:user-open-id', '提醒', { delivery })).toEqual({ status: 'sent' });
    const [req] = sends();
    expect(req.query.get('open_id')).toBe('acct-open-id');
    expect(JSON.parse(req.body)).toEqual({
      msg_id: 'srv-9',
      conversation_id: 'conv-1',
      to_user_id: 'user-open-id',
      content: { msg_type: 1, text: { text: '提醒' } },
    });
  });

  it('sends at most one proactive message per user a day', async () => {
    const s = sender();
    expect(await s.send('douyin:u1', 'first', { delivery })).toEqual({ status: 'sent' });
    now += 23 * H;
    expect(await s.send('douyin:u1', 'second', { delivery })).toEqual({ status: 'skipped', reason: 'daily_limit' });
    expect(await s.send('douyin:u2', 'other user', { delivery })).toEqual({ status: 'sent' });
    now += H;
    expect(await s.send('douyin:u1', 'next day', { delivery })).toEqual({ status: 'sent' });
    expect(sends().map((r) => JSON.parse(r.body).content.text.text)).toEqual(['first', 'other user', 'next day']);
  });

  it('skips a user without a recorded conversation, and reports an API error as failed', async () => {
    expect(await sender().send('douyin:u1', 'x', { delivery: { channel: 'douyin' } })).toEqual({ status: 'skipped', reason: 'not_addressable' });
    errNo = 40001;
    expect(await sender().send('douyin:u1', 'x', { delivery })).toEqual({ status: 'failed', reason: 'err_40001' });
  });
});

import { WecomApiClient } from '../../../src/channels/wecom/wecom-api-client';
import { WecomAppSender } from '../../../src/reminders/senders/wecom-app-sender';
import { fakeApi, type FakeApi } from '../fake-api';

describe('WecomAppSender (WeCom app message/send)', () => {
  let api: FakeApi;
  let tokens: number;
  let sendReply: Record<string, unknown>;

  beforeEach(async () => {
    tokens = 0;
    sendReply = { errcode: 0, errmsg: 'ok', invaliduser: '' };
    api = await fakeApi((req) => {
      if (req.path === '/cgi-bin/gettoken') {
        if (req.query.get('corpid') !== 'ww-corp' || req.query.get('corpsecret') !== 'app-secret')
          return { json: { errcode: 40013, errmsg: 'invalid corpid' } };
        return { json: { errcode: 0, access_token: `TOKEN${++tokens}`, expires_in: 7200 } };
      }
      if (req.path === '/cgi-bin/message/send' && req.method === 'POST') {
        // Only the newest token is valid: an older one has expired.
        if (req.query.get('access_token') !== `TOKEN${tokens}`) return { json: { errcode: 42001, errmsg: 'access_token expired' } };
        return { json: sendReply };
      }
      return { status: 404 };
    });
  });
  afterEach(async () => {
    await api.close();
  });

  const client = (secret = 'app-secret') => new WecomApiClient({ corpId: 'ww-corp', secret, agentId: 1000002, baseUrl: api.url });
  const sends = () => api.received.filter((r) => r.path === '/cgi-bin/message/send').map((r) => JSON.parse(r.body));

  it('sends a text app message to the member, with the agent id and a cached token', async () => {
    const sender = new WecomAppSender(client());
    expect(await sender.send('wecom:ZhangSan', '提醒')).toEqual({ status: 'sent' });
    expect(await sender.send('wecom:LiSi', '提醒 2')).toEqual({ status: 'sent' });
    expect(sends()).toEqual([
      { touser: 'ZhangSan', msgtype: 'text', agentid: 1000002, text: { content: '提醒' }, safe: 0 },
      { touser: 'LiSi', msgtype: 'text', agentid: 1000002, text: { content: '提醒 2' }, safe: 0 },
    ]);
    expect(api.received.filter((r) => r.path === '/cgi-bin/gettoken')).toHaveLength(1);
  });

  it('fetches a new token once when WeCom says the cached one expired', async () => {
    const c = client();
    await c.accessToken();
    tokens++; // WeCom rotated it
    expect(await new WecomAppSender(c).send('wecom:ZhangSan', 'x')).toEqual({ status: 'sent' });
    expect(api.received.filter((r) => r.path === '/cgi-bin/gettoken')).toHaveLength(2);
  });

  it('reports a frequency limit as skipped and an invalid member or bad secret as failed', async () => {
    sendReply = { errcode: 45009, errmsg: 'api freq out of limit' };
    expect(await new WecomAppSender(client()).send('wecom:ZhangSan', 'x')).toEqual({ status: 'skipped', reason: 'rate_limited' });
    sendReply = { errcode: 0, errmsg: 'ok', invaliduser: 'zhangsan' };
    expect(await new WecomAppSender(client()).send('wecom:ZhangSan', 'x')).toEqual({ status: 'failed', reason: 'errcode_81013' });
    expect(await new WecomAppSender(client('wrong')).send('wecom:ZhangSan', 'x')).toEqual({ status: 'failed', reason: 'errcode_40013' });
  });

  it('skips a key that is not a WeCom member key', async () => {
    expect(await new WecomAppSender(client()).send('wechat:abc', 'x')).toEqual({ status: 'skipped', reason: 'not_addressable' });
  });
});

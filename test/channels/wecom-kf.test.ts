import request from 'supertest';
import { createApp } from '../../src/app';
import { handoffSettings } from '../../src/bot';
import { WxBizMsgCrypt } from '../../src/channels/wechat/wx-biz-msg-crypt';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { MemoryCursorStore } from '../../src/state/cursor-store';
import { MemoryIdempotencyStore } from '../../src/state/idempotency-store';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { sharedNlu, testConfig } from '../helpers';
import { fakeApi, type FakeApi, type Received } from '../reminders/fake-api';

const TOKEN = 'QDG6eK';
const CORP = 'wx5823bf96d3bd56c7';
const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const KFID = 'wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw';
const crypt = new WxBizMsgCrypt({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP });

/** A fake of qyapi.weixin.qq.com's 微信客服 API: messages queued per cursor, every call recorded. */
class FakeKf {
  api!: FakeApi;
  private log: object[] = [];
  async start() {
    this.api = await fakeApi((r) => this.route(r));
    return this;
  }
  push(...messages: object[]) {
    this.log.push(...messages);
  }
  calls(path: string): Array<Record<string, unknown>> {
    return this.api.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }
  private route(r: Received) {
    if (r.path === '/cgi-bin/gettoken') return { json: { errcode: 0, access_token: 'kf-token', expires_in: 7200 } };
    if (r.query.get('access_token') !== 'kf-token') return { json: { errcode: 40014 } };
    if (r.path === '/cgi-bin/kf/sync_msg') {
      const body = JSON.parse(r.body) as { cursor?: string };
      const from = Number(body.cursor ?? 0);
      return { json: { errcode: 0, next_cursor: String(this.log.length), has_more: 0, msg_list: this.log.slice(from) } };
    }
    return { json: { errcode: 0, errmsg: 'ok' } };
  }
}

let msgId = 0;
const text = (user: string, content: string) => ({
  msgid: `m${++msgId}`,
  open_kfid: KFID,
  external_userid: user,
  send_time: Math.floor(Date.now() / 1000),
  origin: 3,
  msgtype: 'text',
  text: { content },
});

function setup(kf: FakeKf, shared?: { cursors: MemoryCursorStore; idempotency: MemoryIdempotencyStore; store: MemoryConversationStore }) {
  const config = testConfig({
    WECOM_KF_CORP_ID: CORP,
    WECOM_KF_SECRET: 'kf-secret',
    WECOM_KF_TOKEN: TOKEN,
    WECOM_KF_ENCODING_AES_KEY: KEY,
    WECOM_API_BASE: kf.api.url,
  });
  const store = shared?.store ?? new MemoryConversationStore(3600);
  const engine = new DialogueEngine(sharedNlu(), store, undefined, undefined, { handoff: handoffSettings(config) });
  const work: Array<Promise<void>> = [];
  const app = createApp({
    config,
    engine: () => engine,
    store,
    cursors: shared?.cursors,
    idempotency: shared?.idempotency,
    onWecomKfProcessed: (w) => work.push(w),
  });
  const callback = async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = `n${Math.random()}`;
    const inner = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[cbtoken]]></Token><OpenKfId><![CDATA[${KFID}]]></OpenKfId></xml>`;
    const encrypt = crypt.encrypt(inner);
    const res = await request(app)
      .post('/wecom-kf')
      .query({ msg_signature: crypt.signature(timestamp, nonce, encrypt), timestamp, nonce })
      .send(`<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    await Promise.all(work);
    return res;
  };
  return { app, callback, engine };
}

describe('WeCom 微信客服 channel at /wecom-kf', () => {
  let kf: FakeKf;
  beforeEach(async () => {
    kf = await new FakeKf().start();
  });
  afterEach(() => kf.api.close());

  it('answers the URL check with the decrypted echostr and refuses a bad signature', async () => {
    const { app } = setup(kf);
    const timestamp = '1409659589';
    const nonce = '263014780';
    const echostr = crypt.encrypt('echo-123');
    const ok = await request(app)
      .get('/wecom-kf')
      .query({ msg_signature: crypt.signature(timestamp, nonce, echostr), timestamp, nonce, echostr });
    expect(ok.text).toBe('echo-123');
    const bad = await request(app).get('/wecom-kf').query({ msg_signature: 'x', timestamp, nonce, echostr });
    expect(bad.status).toBe(401);
  });

  it('reads new messages with sync_msg from the stored cursor and answers each once with send_msg', async () => {
    const { callback } = setup(kf);
    kf.push(text('wmA', '收不到核验短信怎么办'));
    const res = await callback();
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
    const sends = kf.calls('/cgi-bin/kf/send_msg');
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ touser: 'wmA', open_kfid: KFID, msgtype: 'text' });
    expect(Buffer.byteLength((sends[0].text as { content: string }).content)).toBeLessThanOrEqual(2048);
    expect(kf.calls('/cgi-bin/kf/sync_msg')[0]).toMatchObject({ token: 'cbtoken', open_kfid: KFID });

    // The next callback starts from the cursor: nothing is read or answered twice.
    kf.push(text('wmA', '短信发给谁'));
    await callback();
    expect(kf.calls('/cgi-bin/kf/sync_msg')[1]).toMatchObject({ cursor: '1' });
    const contents = kf.calls('/cgi-bin/kf/send_msg').map((c) => (c.text as { content: string }).content);
    expect(contents.length).toBeGreaterThan(1);
    expect(contents.filter((c) => c === contents[0])).toHaveLength(1);
  });

  it('two instances sharing the cursor and dedup store answer a message once', async () => {
    const shared = { cursors: new MemoryCursorStore(), idempotency: new MemoryIdempotencyStore(), store: new MemoryConversationStore(3600) };
    const a = setup(kf, shared);
    const b = setup(kf, shared);
    kf.push(text('wmB', '怎么重发核验短信'));
    await Promise.all([a.callback(), b.callback()]);
    expect(kf.calls('/cgi-bin/kf/send_msg')).toHaveLength(1);
  });

  it('sends the welcome with the enter_session welcome_code', async () => {
    const { callback } = setup(kf);
    kf.push({
      msgid: 'e1',
      open_kfid: KFID,
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: KFID, external_userid: 'wmC', welcome_code: 'WELCOME' },
    });
    await callback();
    expect(kf.calls('/cgi-bin/kf/send_msg_on_event')).toEqual([expect.objectContaining({ code: 'WELCOME', msgtype: 'text' })]);
  });

  it('hands over through service_state/trans, stays silent while a servicer has the user, answers again when the session ends', async () => {
    const { callback, engine } = setup(kf);
    kf.push(text('wmD', '转人工'));
    await callback();
    expect(kf.calls('/cgi-bin/kf/send_msg')).toHaveLength(1);
    expect(kf.calls('/cgi-bin/kf/service_state/trans')).toEqual([expect.objectContaining({ open_kfid: KFID, external_userid: 'wmD', service_state: 2 })]);
    expect(await engine.handoffActive('wecomkf:wmD')).toBe(true);

    kf.push(text('wmD', '收不到核验短信怎么办'));
    await callback();
    expect(kf.calls('/cgi-bin/kf/send_msg')).toHaveLength(1);

    kf.push({
      msgid: 'e2',
      open_kfid: KFID,
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'session_status_change', external_userid: 'wmD', change_type: 3 },
    });
    kf.push(text('wmD', '收不到核验短信怎么办'));
    await callback();
    expect(kf.calls('/cgi-bin/kf/send_msg')).toHaveLength(2);
  });

  it('keeps a long answer within five messages of 2,048 bytes', async () => {
    const { callback } = setup(kf);
    const long = `${'收不到核验短信怎么办？'.repeat(200)}`;
    kf.push(text('wmE', long));
    await callback();
    const sends = kf.calls('/cgi-bin/kf/send_msg');
    expect(sends.length).toBeGreaterThanOrEqual(1);
    expect(sends.length).toBeLessThanOrEqual(5);
    for (const s of sends) expect(Buffer.byteLength((s.text as { content: string }).content)).toBeLessThanOrEqual(2048);
  });
});

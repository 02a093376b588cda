import request from 'supertest';
import { createApp } from '../../src/app';
import { handoffSettings } from '../../src/bot';
import { wechatSignature } from '../../src/channels/signatures';
import { parseWechatXml } from '../../src/channels/wechat/xml';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { loadMenu } from '../../src/knowledge/menu';
import { INTENTS_DIR, sharedKb, sharedNlu, testConfig } from '../helpers';

const TOKEN = 'spamtest';

function setup(env: Record<string, string> = {}) {
  const config = testConfig({ WECHAT_TOKEN: TOKEN, ...env });
  const store = new MemoryConversationStore(3600);
  const engine = new DialogueEngine(sharedNlu(), store, undefined, undefined, { handoff: handoffSettings(config), menu: loadMenu(INTENTS_DIR, sharedKb()) });
  const app = createApp({ config, engine: () => engine, store });
  let msgId = 1000;
  let nonce = 0;
  const post = async (openId: string, inner: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const n = `n${++nonce}`;
    const xml = `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${timestamp}</CreateTime>${inner}</xml>`;
    const res = await request(app)
      .post('/wechat')
      .query({ signature: wechatSignature(TOKEN, timestamp, n), timestamp, nonce: n })
      .set('Content-Type', 'text/xml')
      .send(xml);
    return { status: res.status, text: res.text, fields: res.text.startsWith('<xml>') ? parseWechatXml(res.text) : undefined };
  };
  const text = (openId: string, content: string) =>
    post(openId, `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${++msgId}</MsgId>`);
  const release = (openId: string) => request(app).post(`/api/v1/conversations/wechat:${openId}/handoff/release`);
  return { post, text, release, app };
}

describe('WeChat OA handoff (plaintext mode)', () => {
  it.each([
    ['zh-Hans', '转人工'],
    ['zh-Hant', '請幫我轉人工客服'],
    ['en', 'talk to a person'],
  ])('%s: hands over with transfer_customer_service, passes every later message on, answers again after release', async (_lang, ask) => {
    const { text, release, post } = setup();
    const user = `o-${ask.length}`;
    const start = await text(user, ask);
    expect(start.fields).toMatchObject({ MsgType: 'transfer_customer_service', ToUserName: user, FromUserName: 'gh_account' });
    for (const q of ['收不到核验短信怎么办', 'hello?']) {
      expect((await text(user, q)).fields?.MsgType).toBe('transfer_customer_service');
    }
    // An image goes to the agent too; an event is never forwarded.
    const image = await post(user, '<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MsgId>77</MsgId>');
    expect(image.fields?.MsgType).toBe('transfer_customer_service');
    const click = await post(user, '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[K]]></EventKey>');
    expect(click.fields?.MsgType).not.toBe('transfer_customer_service');

    expect((await release(user)).status).toBe(200);
    const back = await text(user, '收不到核验短信怎么办');
    expect(back.fields?.MsgType).toBe('text');
    expect(back.fields?.Content.length).toBeGreaterThan(10);
  });

  it('names the customer-service account from WECHAT_KF_ACCOUNT, escaped', async () => {
    const { text } = setup({ WECHAT_KF_ACCOUNT: 'kf2001@gh_test]]><x>' });
    const res = await text('o-kf', '转人工');
    expect(res.text).toContain('<TransInfo><KfAccount>');
    expect(res.fields?.TransInfo).toBeUndefined(); // nested: the flat parser keeps top-level fields only
    expect(res.text).not.toContain(']]><x>');
  });

  it('"结束人工" gives the user back to the bot on WeChat too', async () => {
    const { text } = setup();
    await text('o-end', '转人工');
    const ended = await text('o-end', '结束人工');
    expect(ended.fields?.MsgType).toBe('text');
    expect((await text('o-end', '收不到核验短信怎么办')).fields?.MsgType).toBe('text');
  });

  it('a custom-menu CLICK is answered as the question intents/menu.yaml gives its EventKey; an unknown key is not', async () => {
    const { post } = setup();
    const click = (key: string) =>
      post('o-menu', `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey>`);
    const known = await click('SMS_NOT_RECEIVED');
    expect(known.fields?.MsgType).toBe('text');
    expect(known.fields?.Content).toMatch(/12381|短信/);
    const unknown = await click('NO_SUCH_BUTTON');
    expect(unknown.text).toBe('success');
  });
});

describe('intents/menu.yaml', () => {
  it('refuses a button that names an intent the knowledge base lacks', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const dir = fs.mkdtempSync('/tmp/menu-');
    fs.writeFileSync(`${dir}/menu.yaml`, 'BTN: no.such_intent\n');
    expect(() => loadMenu(dir, sharedKb())).toThrow(/BTN: no intent "no.such_intent"/);
  });
});

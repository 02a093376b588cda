// A reply whose state could not be saved says so instead of claiming it was recorded.
import { DialogueEngine } from '../../src/core/dialogue-engine';
import type { ConversationStore } from '../../src/state/conversation-store';
import { sharedNlu } from '../helpers';

/** A store that is down: every call fails. */
const down: ConversationStore = {
  get: () => Promise.reject(new Error('down')),
  set: () => Promise.reject(new Error('down')),
  delete: () => Promise.reject(new Error('down')),
  update: () => Promise.reject(new Error('down')),
  ping: () => Promise.reject(new Error('down')),
  close: async () => undefined,
};
/** A store that reads but can't write (the lock was taken, then the write failed). */
const readOnly: ConversationStore = {
  ...down,
  get: async () => undefined,
  update: async (_key, fn) => {
    fn(undefined);
    throw new Error('write failed');
  },
};

const at = new Date();
describe.each([
  ['down', down],
  ['read-only', readOnly],
])('when the store is %s', (_name, store) => {
  const engine = new DialogueEngine(sharedNlu(), store);
  const say = (text: string) => engine.handle({ userId: 'outage', text, timestamp: at, channel: 't' });

  it('answers a wrong attempt without claiming to have noted it, and says it could not be saved', async () => {
    const { reply } = await say('又输错了');
    expect(reply.text).not.toMatch(/记下了/);
    expect(reply.text).toMatch(/暂时无法保存/);
  });

  it('says so in English and in Traditional Chinese too', async () => {
    expect((await say('I typed the code wrong again')).reply.text).not.toMatch(/Noted|Got it/);
    expect((await say('I typed the code wrong again')).reply.text).toMatch(/can't save/);
    const hant = (await say('我們是抖音小程式，又輸錯了')).reply.text;
    expect(hant).toMatch(/暫時無法(保存|儲存)/);
    expect(hant).not.toMatch(/記下了/);
  });

  it('answers a plain question in full, with no note (nothing to save)', async () => {
    const { reply } = await say('验证码有效期多久');
    expect(reply.intent).toBe('verify.validity');
    expect(reply.text).not.toMatch(/暂时无法保存/);
  });

  it('does not claim to have forgotten the user', async () => {
    const { reply } = await say('清除我的记录');
    expect(reply.text).not.toMatch(/已清除/);
    expect(reply.text).toMatch(/暂时无法删除/);
  });
});

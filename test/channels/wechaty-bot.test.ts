import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Wechaty } from 'wechaty';
import type { HandleMessage } from '../../src/channels/channel';
import { createWechatyBot, type WechatyBotOptions } from '../../src/channels/wechaty/wechaty-bot';
import type { EngineResult } from '../../src/core/dialogue-engine';
import type { Message } from '../../src/core/types';
import { rootLogger } from '../../src/logger';
import { newEngine } from '../helpers';

/** What the engine would answer, without the NLU: fast and independent of the knowledge. */
function echo(message: Message): Promise<EngineResult> {
  return Promise.resolve({
    reply: { text: `echo:${message.text}`, intent: 'test.echo', confidence: 1, lang: 'en', suggestions: [], sources: [] },
    state: {} as EngineResult['state'],
  });
}

/** Polls until the condition holds: replies travel through a few event-loop turns in the mock. */
async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the bot');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Sent {
  text: string;
  to: string;
}

let bot: Wechaty | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  jest.restoreAllMocks();
});

/** A logged-in bot on a mock puppet; `sent` collects what the bot says, with the contact or room it went to. */
async function startBot(options: Partial<Omit<WechatyBotOptions, 'puppet'>> = {}) {
  const handle = jest.fn<ReturnType<HandleMessage>, Parameters<HandleMessage>>(options.handle ?? echo);
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  bot = createWechatyBot({ ...options, puppet, handle });
  await bot.start();
  mocker.scan('x', 1);
  const me = mocker.createContact({ name: 'bot' });
  mocker.login(me);
  await waitFor(() => bot!.isLoggedIn);
  const sent: Sent[] = [];
  me.on('message', (m) => {
    if (m.talker().id === me.id) sent.push({ text: m.text() ?? '', to: m.room()?.id ?? m.listener()?.id ?? '' });
  });
  const alice = mocker.createContact({ name: 'alice' });
  const bob = mocker.createContact({ name: 'bob' });
  return { mocker, me, alice, bob, handle, sent };
}

function texts(handle: jest.Mock<ReturnType<HandleMessage>, Parameters<HandleMessage>>): string[] {
  return handle.mock.calls.map(([m]) => m.text);
}

describe('createWechatyBot', () => {
  it('answers a private text, keyed by the contact', async () => {
    const { me, alice, handle, sent } = await startBot();
    alice.say('hi').to(me);
    await waitFor(() => sent.length === 1);
    expect(sent[0]).toEqual({ text: 'echo:hi', to: alice.id });
    const [message] = handle.mock.calls[0];
    expect(message).toMatchObject({ userId: `wechaty:${alice.id}`, text: 'hi', channel: 'wechaty' });
    expect(message.timestamp).toBeInstanceOf(Date);
    expect(message.messageId).toEqual(expect.any(String));
  });

  it("ignores the bot's own messages", async () => {
    const { me, alice, handle, sent } = await startBot({ minIntervalMs: 0 });
    me.say('sent from the phone').to(alice);
    alice.say('hi').to(me);
    await waitFor(() => sent.some((s) => s.text === 'echo:hi'));
    // The bot's own replies are messages too: answering them would loop.
    expect(texts(handle)).toEqual(['hi']);
  });

  it('answers in a room only when @-mentioned, without the mention', async () => {
    const { mocker, me, alice, handle, sent } = await startBot({ minIntervalMs: 0 });
    const room = mocker.createRoom({ topic: 'ICP', memberIdList: [me.id, alice.id] });
    alice.say('收不到短信').to(room);
    alice.say('@bot 收不到核验短信', [me]).to(room);
    await waitFor(() => sent.length === 1);
    expect(texts(handle)).toEqual(['收不到核验短信']);
    expect(sent[0].to).toBe(room.id);
    // room.say(text, talker) @-mentions the asker.
    expect(sent[0].text).toContain('@alice');
    expect(sent[0].text).toContain('echo:收不到核验短信');
  });

  it('drops a second quick message from the same contact and allows it after the interval', async () => {
    let clock = 1_000_000;
    const { me, alice, bob, handle, sent } = await startBot({ minIntervalMs: 3000, now: () => clock });
    alice.say('one').to(me);
    await waitFor(() => sent.length === 1);
    alice.say('two').to(me);
    // Another contact is not throttled; once bob is answered, alice's "two" has been handled too.
    bob.say('hello').to(me);
    await waitFor(() => sent.length === 2);
    expect(texts(handle)).toEqual(['one', 'hello']);
    clock += 3000;
    alice.say('three').to(me);
    await waitFor(() => sent.length === 3);
    expect(texts(handle)).toEqual(['one', 'hello', 'three']);
  });

  it('answers at most maxPerMinute times per contact', async () => {
    let clock = 0;
    const { me, alice, bob, handle, sent } = await startBot({ minIntervalMs: 0, maxPerMinute: 2, now: () => clock });
    alice.say('a').to(me);
    await waitFor(() => sent.length === 1);
    alice.say('b').to(me);
    await waitFor(() => sent.length === 2);
    alice.say('c').to(me);
    bob.say('x').to(me);
    await waitFor(() => sent.length === 3);
    clock += 60_000;
    alice.say('d').to(me);
    await waitFor(() => sent.length === 4);
    expect(texts(handle)).toEqual(['a', 'b', 'x', 'd']);
  });

  it('survives a handler that throws, logging the contact but not the text', async () => {
    const write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
    const handle = jest.fn<ReturnType<HandleMessage>, Parameters<HandleMessage>>().mockRejectedValueOnce(new Error('engine down')).mockImplementation(echo);
    const { me, alice, sent } = await startBot({ handle, minIntervalMs: 0 });
    alice.say('secret 13800000000').to(me);
    alice.say('again').to(me);
    const errors = () => write.mock.calls.map(([info]) => info).filter((info) => info.level === 'error');
    await waitFor(() => sent.length === 1 && errors().length > 0);
    expect(sent[0].text).toBe('echo:again');
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ module: 'wechaty', contactId: alice.id });
    expect(JSON.stringify(errors()[0])).not.toContain('13800000000');
  });

  it('answers with the real engine', async () => {
    const { engine } = newEngine();
    const { me, alice, sent } = await startBot({ handle: (m) => engine.handle(m) });
    alice.say('收不到核验短信怎么办').to(me);
    await waitFor(() => sent.length === 1);
    expect(sent[0].to).toBe(alice.id);
    expect(sent[0].text).toContain('beian.miit.gov.cn');
  });
});

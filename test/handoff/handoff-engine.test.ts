import { DialogueEngine, type HandoffEvent, type HandoffSettings } from '../../src/core/dialogue-engine';
import { parseServiceHours } from '../../src/handoff/service-hours';
import { Metrics } from '../../src/metrics';
import { newConversationState, reviveState } from '../../src/state/conversation-state';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { sharedNlu } from '../helpers';

const MIN = 60_000;
// Tuesday 2026-01-06 10:00 Beijing time: inside Mon-Fri 09:00-18:00.
const TUESDAY_10 = Date.parse('2026-01-06T02:00:00Z');

function setup(settings: Partial<HandoffSettings> = {}) {
  const store = new MemoryConversationStore(3600);
  const metrics = new Metrics();
  const events: HandoffEvent[] = [];
  const engine = new DialogueEngine(sharedNlu(), store, metrics, undefined, {
    handoff: { afterFallbacks: 2, timeoutMs: 30 * MIN, lang: 'zh-Hans', ...settings },
    onHandoff: (e) => events.push(e),
  });
  let t = TUESDAY_10;
  const say = (text: string, userId = 'u1', advanceMs = MIN) => {
    t += advanceMs;
    return engine.handle({ userId, text, timestamp: new Date(t), channel: 'webhook' });
  };
  return { engine, store, metrics, events, say, now: () => new Date(t) };
}

describe('handoff to a human', () => {
  it.each([
    ['zh-Hans', '转人工'],
    ['zh-Hant', '請幫我轉人工客服'],
    ['en', 'talk to a person'],
  ])('a %s request starts a handoff with a short reply saying a person takes over', async (lang, text) => {
    const { say } = setup();
    const { reply, state, trace } = await say(text);
    expect(state.handoff).toMatchObject({ active: true, reason: 'requested', by: 'webhook' });
    expect(reply.intent).toBe('chat.human');
    expect(reply.lang).toBe(lang);
    expect(trace?.decidedBy).toBe('handoff_request');
    expect(reply.text.length).toBeGreaterThan(5);
    expect(reply.text.length).toBeLessThan(300);
    expect(reply.text).not.toMatch(/没法自己为你转接|can't transfer/);
  });

  it('stays silent while a person has the user, whatever they ask, and records what they asked', async () => {
    const { say } = setup();
    await say('转人工');
    for (const text of ['收不到核验短信怎么办', '在吗', '转人工', 'hello?']) {
      const { reply, state, trace } = await say(text);
      expect(reply.text).toBe('');
      expect(trace?.decidedBy).toBe('handoff_active');
      expect(state.handoff?.active).toBe(true);
    }
    const { state } = await say('还在吗');
    expect(state.lastIntents).toContain('sms.not_received');
  });

  it.each(['结束人工', '結束人工', 'back to the bot'])('"%s" ends it and the bot answers again', async (end) => {
    const { say, events } = setup();
    await say('转人工');
    const ended = await say(end);
    expect(ended.state.handoff).toBeNull();
    expect(ended.trace?.decidedBy).toBe('handoff_end');
    expect(ended.reply.text).not.toBe('');
    const next = await say('收不到核验短信怎么办');
    expect(next.reply.intent).toBe('sms.not_received');
    expect(next.reply.text).not.toBe('');
    expect(events.map((e) => [e.kind, e.endReason])).toEqual([
      ['started', undefined],
      ['ended', 'user'],
    ]);
  });

  it('saying "结束人工" with no handoff active does not start one', async () => {
    const { say } = setup();
    const { state, reply } = await say('结束人工');
    expect(state.handoff).toBeNull();
    expect(reply.text).not.toBe('');
  });

  it('hands over after HANDOFF_AFTER_FALLBACKS consecutive fallbacks, not before', async () => {
    const { say } = setup({ afterFallbacks: 3 });
    const first = await say('asdf qwer zxcv');
    const second = await say('qwop zxnm');
    expect([first.reply.intent, second.reply.intent]).toEqual(['fallback', 'fallback']);
    expect(second.state.handoff).toBeNull();
    const third = await say('hjkl uiop');
    expect(third.state.handoff).toMatchObject({ active: true, reason: 'fallbacks' });
    expect(third.trace?.decidedBy).toBe('handoff_fallbacks');
    expect(third.reply.text).not.toBe('');
  });

  it('a fallback streak broken by an answered question starts over', async () => {
    const { say } = setup({ afterFallbacks: 2 });
    await say('asdf qwer zxcv');
    await say('收不到核验短信怎么办');
    const { state } = await say('qwop zxnm');
    expect(state.handoff).toBeNull();
  });

  it('times out after HANDOFF_TIMEOUT_MIN without a message from the user, then the bot answers', async () => {
    const { say, events, metrics } = setup({ timeoutMs: 30 * MIN });
    await say('转人工');
    expect((await say('在吗', 'u1', 20 * MIN)).reply.text).toBe('');
    // 20 minutes after the last message: still with the person.
    expect((await say('还在吗', 'u1', 20 * MIN)).reply.text).toBe('');
    const later = await say('收不到核验短信怎么办', 'u1', 31 * MIN);
    expect(later.state.handoff).toBeNull();
    expect(later.reply.intent).toBe('sms.not_received');
    expect(events.at(-1)).toMatchObject({ kind: 'ended', endReason: 'timeout' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/beian_handoffs_ended_total\{reason="timeout"\} 1/);
    expect(text).toMatch(/beian_handoff_duration_seconds_count 1/);
  });

  it('inside service hours says a person takes over; outside them says when', async () => {
    const hours = parseServiceHours('Mon-Fri 09:00-18:00');
    const open = await setup({ hours }).say('转人工');
    expect(open.reply.text).not.toMatch(/不在人工服务时间/);
    const closed = setup({ hours });
    // Saturday 2026-01-10 11:00 Beijing time.
    const { reply } = await closed.engine.handle({ userId: 'w', text: '转人工', timestamp: new Date('2026-01-10T03:00:00Z'), channel: 'webhook' });
    expect(reply.text).toMatch(/不在人工服务时间/);
    expect(reply.text).toContain('周一 1月12日 09:00');
    const en = await closed.engine.handle({ userId: 'e', text: 'talk to a person', timestamp: new Date('2026-01-10T03:00:00Z'), channel: 'webhook' });
    expect(en.reply.text).toContain('Mon Jan 12, 09:00');
  });

  it('an agent releasing the handoff gives the user back to the bot', async () => {
    const { say, engine, metrics } = setup();
    await say('转人工');
    const released = await engine.releaseHandoff('u1');
    expect(released?.released).toBe(true);
    expect(released?.state.handoff).toBeNull();
    expect((await say('收不到核验短信怎么办')).reply.text).not.toBe('');
    expect((await engine.releaseHandoff('u1'))?.released).toBe(false);
    expect(await engine.releaseHandoff('nobody')).toBeUndefined();
    expect(await metrics.registry.metrics()).toMatch(/beian_handoffs_ended_total\{reason="released"\} 1/);
  });

  it('forgetting the user ends the handoff and deletes it with the rest', async () => {
    const { say, store } = setup();
    await say('转人工');
    await say('清除我的记录');
    expect(await store.get('u1')).toBeUndefined();
  });

  it('without handoff settings chat.human keeps its static answer', async () => {
    const engine = new DialogueEngine(sharedNlu(), new MemoryConversationStore(3600));
    const { reply, state } = await engine.handle({ userId: 'x', text: '转人工', timestamp: new Date(TUESDAY_10), channel: 'webhook' });
    expect(state.handoff).toBeNull();
    expect(reply.text.length).toBeGreaterThan(20);
  });
});

describe('handoff in stored state', () => {
  const now = new Date(TUESDAY_10);
  it('is revived field by field and dropped when malformed', () => {
    const good = { active: true, since: '2026-01-06T02:00:00.000Z', by: 'wechat', reason: 'fallbacks' };
    expect(reviveState({ ...newConversationState(now), handoff: good }, now).handoff).toEqual(good);
    for (const bad of [{ ...good, since: 'yesterday' }, { ...good, reason: 'boredom' }, { ...good, active: 'yes' }, 'on', 42]) {
      expect(reviveState({ ...newConversationState(now), handoff: bad }, now).handoff).toBeNull();
    }
    expect(reviveState({ recentQuestions: ['a', 3, 'b'] }, now).recentQuestions).toEqual(['a', 'b']);
  });

  it("keeps the user's recent messages only masked", async () => {
    const { say, store } = setup();
    await say('我的手机13812345678收不到验证码');
    const stored = JSON.stringify(await store.get('u1'));
    expect(stored).not.toMatch(/13812345678/);
    expect(stored).toMatch(/138\*{4}5678/);
  });
});

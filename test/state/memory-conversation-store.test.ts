import fc from 'fast-check';
import { PLATFORMS } from '../../src/core/types';
import {
  FILING_TYPES,
  HANDOFF_REASONS,
  REMINDER_STATUSES,
  STAGES,
  newConversationState,
  readableState,
  revivesWhenMissing,
  type ConversationState,
  type Pending,
} from '../../src/state/conversation-state';
import { MemoryConversationStore, stateText } from '../../src/state/memory-conversation-store';
import { conversationStoreContract } from './conversation-store.contract';

conversationStoreContract('MemoryConversationStore', async (ttl) => new MemoryConversationStore(ttl));

describe('MemoryConversationStore TTL', () => {
  it('forgets a conversation after its TTL', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    try {
      const store = new MemoryConversationStore(60);
      await store.set('u', newConversationState(new Date()));
      jest.setSystemTime(new Date('2026-01-01T00:00:59Z'));
      expect(await store.get('u')).toBeDefined();
      jest.setSystemTime(new Date('2026-01-01T00:01:01Z'));
      expect(await store.get('u')).toBeUndefined();
      await store.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('MemoryConversationStore with STATE_MAX_KEYS', () => {
  it('keeps at most maxKeys users, evicting the least recently used first, and reports each eviction', async () => {
    let evictions = 0;
    const store = new MemoryConversationStore(3600, { maxKeys: 3, onEvict: () => evictions++ });
    const s = newConversationState(new Date());
    for (const k of ['a', 'b', 'c']) await store.set(k, s);
    await store.get('a'); // a is now more recent than b and c
    await store.update('c', (x) => x!);
    await store.set('d', s);
    expect(store.size).toBe(3);
    expect(await store.get('b')).toBeUndefined();
    for (const k of ['a', 'c', 'd']) expect(await store.get(k)).toBeDefined();
    expect(evictions).toBe(1);
    await store.close();
  });

  it('does not count deleted users against the limit', async () => {
    let evictions = 0;
    const store = new MemoryConversationStore(3600, { maxKeys: 2, onEvict: () => evictions++ });
    const s = newConversationState(new Date());
    await store.set('a', s);
    await store.set('b', s);
    await store.delete('a');
    await store.set('c', s);
    expect(evictions).toBe(0);
    expect(await store.get('b')).toBeDefined();
    await store.close();
  });
});

describe('MemoryConversationStore stored text', () => {
  const iso = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  const orNull = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 2 });
  const pending: fc.Arbitrary<Pending> = fc.oneof(
    fc.record({
      kind: fc.constant('recipient' as const),
      slot: fc.constantFrom('platform' as const, 'filingType' as const, 'changes' as const),
      times: fc.nat(5),
    }),
    fc.record({
      kind: fc.constant('choose' as const),
      options: fc.array(fc.constantFrom('sms.not_received', 'verify.how_to', 'chat.human'), { maxLength: 3 }),
    }),
    fc.constant({ kind: 'sms_time' as const }),
    fc.constant({ kind: 'sms_time' as const, remind: true }),
    fc.constant({ kind: 'reminder_offer' as const }),
    fc.record({ kind: fc.constant('platform' as const), intent: fc.constantFrom('verify.how_to', 'sms.not_received') }),
  );
  // Valid states, default values (nulls, zeros, empty lists, the unknown stage) drawn often.
  const state: fc.Arbitrary<ConversationState> = fc.record({
    platform: orNull(fc.constantFrom(...PLATFORMS)),
    platformSource: orNull(fc.constantFrom('user' as const, 'hint' as const, 'weak' as const)),
    filingType: orNull(fc.constantFrom(...FILING_TYPES)),
    changes: fc.record({ subject: orNull(fc.boolean()), app: orNull(fc.boolean()) }),
    stage: fc.constantFrom(...STAGES),
    preliminaryPassedAt: orNull(iso),
    smsReceivedAt: orNull(iso),
    attemptsUsed: fc.oneof(fc.constant(0), fc.nat(9)),
    lang: orNull(fc.constantFrom('zh-Hans' as const, 'zh-Hant' as const, 'en' as const)),
    variant: orNull(fc.constantFrom('tw' as const, 'hk' as const)),
    pending: orNull(pending),
    lastIntent: orNull(fc.constantFrom('verify.how_to', 'fallback')),
    lastIntents: fc.array(fc.constantFrom('verify.how_to', 'fallback', 'chat.human'), { maxLength: 5 }),
    fallbackStreak: fc.oneof(fc.constant(0), fc.nat(4)),
    handoff: orNull(fc.record({ active: fc.constant(true), since: iso, by: fc.constantFrom('json', 'wecom_kf'), reason: fc.constantFrom(...HANDOFF_REASONS) })),
    recentQuestions: fc.array(fc.constantFrom('收不到短信', 'where is my code', ''), { maxLength: 3 }),
    reminder: orNull(fc.record({ at: iso, status: fc.constantFrom(...REMINDER_STATUSES) })),
    createdAt: iso,
    updatedAt: iso,
  });
  const now = new Date('2026-06-01T00:00:00Z');

  it('reads back as the very state stored, though fields that read back by default are left out', () => {
    fc.assert(
      fc.property(state, (s) => {
        const text = stateText(s);
        expect(readableState(JSON.parse(text), now)).toEqual(s);
        // Nothing is written that reads back as the default anyway.
        for (const key of Object.keys(JSON.parse(text)) as Array<keyof ConversationState>) expect(revivesWhenMissing(s, key)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out nulls, zeros, empty lists and the unknown stage, and nulls inside objects, but keeps a null platformSource beside a platform', () => {
    const fresh = newConversationState(new Date('2026-01-01T00:00:00Z'));
    expect(stateText(fresh)).toBe('{"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}');
    const s: ConversationState = { ...fresh, platform: 'douyin', changes: { subject: null, app: true }, attemptsUsed: 2 };
    expect(stateText(s)).toBe(
      '{"platform":"douyin","platformSource":null,"changes":{"app":true},"attemptsUsed":2,"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}',
    );
    expect(readableState(JSON.parse(stateText(s)), now)?.platformSource).toBeNull();
  });
});

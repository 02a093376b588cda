import { newConversationState } from '../../src/state/conversation-state';
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
  const replacer = (key: string, value: unknown) => (value === null && key !== 'platformSource' ? undefined : value);

  it('is the state as JSON without null fields (platformSource kept), nested objects and arrays included', () => {
    let seed = 5;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const leaf = (): unknown => [null, 0, 1.5, '', 'x', true, false, undefined][random(8)];
    const keys = ['a', 'platformSource', 'handoff', 'changes', 'subject', 'pending'];
    const object = (depth: number): unknown => Object.fromEntries(keys.filter(() => random(2) === 0).map((k) => [k, value(depth + 1)]));
    const value = (depth: number): unknown => {
      if (depth > 3 || random(3) === 0) return leaf();
      if (random(3) === 0) return Array.from({ length: random(4) }, () => value(depth + 1));
      return object(depth);
    };
    // A state is an object: every root here is one.
    const states = [newConversationState(new Date()), ...Array.from({ length: 3000 }, () => object(0))];
    for (const s of states) expect(stateText(s)).toBe(JSON.stringify(s, replacer));
    expect(stateText({ platformSource: null, platform: null, changes: { subject: null, app: true }, list: [null, { x: null }] })).toBe(
      '{"platformSource":null,"changes":{"app":true},"list":[null,{}]}',
    );
  });
});

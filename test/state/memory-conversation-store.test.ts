import { newConversationState } from '../../src/state/conversation-state';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
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

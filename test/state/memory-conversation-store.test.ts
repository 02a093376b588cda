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

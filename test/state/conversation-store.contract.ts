import { newConversationState, type ConversationState } from '../../src/state/conversation-state';
import type { ConversationStore } from '../../src/state/conversation-store';

/**
 * The behaviour every ConversationStore must have. Each backend's test file calls this with a
 * factory; `ttlSeconds` is the TTL the factory's store was built with.
 */
export function conversationStoreContract(name: string, makeStore: (ttlSeconds: number) => Promise<ConversationStore>): void {
  describe(`${name} (ConversationStore contract)`, () => {
    let store: ConversationStore;
    const key = () => `contract:${Math.random().toString(36).slice(2)}`;
    const sample = (): ConversationState => ({ ...newConversationState(new Date('2026-01-01T00:00:00Z')), platform: 'wechat', attemptsUsed: 2 });

    beforeEach(async () => {
      store = await makeStore(60);
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns undefined for an unknown key', async () => {
      expect(await store.get(key())).toBeUndefined();
    });

    it('reads a stored state whose times overflow the Date range (or are not times) as a valid one', async () => {
      const k = key();
      await store.set(k, { ...sample(), smsReceivedAt: '+275760-09-13T00:00:00.000Z', createdAt: 'never' });
      const got = await store.get(k);
      expect(got).toMatchObject({ platform: 'wechat', attemptsUsed: 2, smsReceivedAt: null });
      expect(Number.isFinite(Date.parse(got!.createdAt))).toBe(true);
      const updated = await store.update(k, (s) => ({ ...s!, attemptsUsed: s!.attemptsUsed + 1 }));
      expect(updated).toMatchObject({ attemptsUsed: 3, smsReceivedAt: null });
    });

    it('gets what was set', async () => {
      const k = key();
      await store.set(k, sample());
      expect(await store.get(k)).toEqual(sample());
    });

    it('keeps keys apart, including channel-prefixed ones', async () => {
      await store.set('wechat:o1', { ...sample(), attemptsUsed: 1 });
      await store.set('douyin:o1', { ...sample(), attemptsUsed: 3 });
      expect((await store.get('wechat:o1'))!.attemptsUsed).toBe(1);
      expect((await store.get('douyin:o1'))!.attemptsUsed).toBe(3);
      await store.delete('wechat:o1');
      await store.delete('douyin:o1');
    });

    it('hands out copies: changing a returned or stored object does not change the store', async () => {
      const k = key();
      const value = sample();
      await store.set(k, value);
      value.attemptsUsed = 4;
      const got = (await store.get(k))!;
      expect(got.attemptsUsed).toBe(2);
      got.changes.subject = true;
      expect((await store.get(k))!.changes.subject).toBeNull();
      const updated = await store.update(k, (s) => ({ ...s!, attemptsUsed: 3 }));
      updated.attemptsUsed = 5;
      expect((await store.get(k))!.attemptsUsed).toBe(3);
    });

    it('deletes, and says whether there was something to delete', async () => {
      const k = key();
      await store.set(k, sample());
      expect(await store.delete(k)).toBe(true);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.delete(k)).toBe(false);
    });

    it('update() creates from undefined and returns what it stored', async () => {
      const k = key();
      const stored = await store.update(k, (current) => {
        expect(current).toBeUndefined();
        return sample();
      });
      expect(stored).toEqual(sample());
      expect(await store.get(k)).toEqual(sample());
    });

    it('loses no update when many run at once on one key', async () => {
      const k = key();
      await store.set(k, { ...sample(), attemptsUsed: 0 });
      await Promise.all(Array.from({ length: 25 }, () => store.update(k, (s) => ({ ...s!, attemptsUsed: s!.attemptsUsed + 1 }))));
      expect((await store.get(k))!.attemptsUsed).toBe(25);
    });

    it('answers ping()', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

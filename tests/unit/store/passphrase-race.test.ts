import { expect, test } from 'vitest';
import { freshFactory, open } from './helpers';

// Found by the browser tests: a write that began while the same store was resealing for a new
// passphrase compared the key on disk with the key held when it *began*, decided another
// connection had replaced the key, and locked the vault.
test('writes racing a passphrase change on the same store succeed and stay readable', async () => {
  const store = await open(freshFactory());
  const draft = (n: number) => ({ conversationId: `conv-${n}`, text: `draft ${n}`, updatedAt: n });
  for (let n = 0; n < 50; n++) await store.put('drafts', draft(n)); // something to reseal

  let changed = false;
  const change = store.setPassphrase('a long passphrase').then(() => {
    changed = true;
  });
  const writes: Promise<void>[] = [];
  // Keep writing, one per macrotask, until the change is through: some land mid-reseal.
  for (let n = 50; !changed && n < 5000; n++) {
    writes.push(store.put('drafts', draft(n)));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await change;
  const results = await Promise.allSettled(writes);

  expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
  expect(store.lockState).toBe('unlocked');
  expect(await store.count('drafts')).toBe(50 + writes.length);
  for (let n = 0; n < 50 + writes.length; n++) {
    expect(await store.get('drafts', `conv-${n}`)).toMatchObject({ text: `draft ${n}` });
  }
});

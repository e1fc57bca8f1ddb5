// The per-conversation mutex on its own: one at a time per key, keys independent.
import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../lib/vault/mutex';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('KeyedMutex', () => {
  it('never interleaves work for one key, keeps order, and survives failures', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const job = (name: string, fail = false) =>
      mutex.run('conv', async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        log.push(`start ${name}`);
        await tick();
        await tick();
        log.push(`end ${name}`);
        inside--;
        if (fail) throw new Error('boom');
        return name;
      });
    const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
    expect(maxInside).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await tick();
    expect(mutex.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      ['x', 'y', 'z'].map((key) =>
        mutex.run(key, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await tick();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(3);
  });
});

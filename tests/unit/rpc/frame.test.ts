import { describe, expect, test } from 'vitest';
import { hostOriginFromLocation, parseFrameToHost, parseHostToFrame } from '../../../lib/rpc/frame';

describe('parseFrameToHost', () => {
  const wire = (message: unknown) => ({ channel: 'sotto-frame', message });

  test('accepts the layout messages', () => {
    expect(parseFrameToHost(wire({ type: 'ready' }))).toEqual({ type: 'ready' });
    expect(parseFrameToHost(wire({ type: 'close', extra: 'dropped' }))).toEqual({ type: 'close' });
    expect(parseFrameToHost(wire({ type: 'resize', height: 120.6 }))).toEqual({
      type: 'resize',
      height: 121,
    });
  });

  test('clamps heights and rejects everything else', () => {
    expect(parseFrameToHost(wire({ type: 'resize', height: 1e9 }))).toEqual({
      type: 'resize',
      height: 4000,
    });
    expect(parseFrameToHost(wire({ type: 'resize', height: -5 }))).toEqual({
      type: 'resize',
      height: 0,
    });
    for (const bad of [
      null,
      'ready',
      { type: 'ready' },
      { channel: 'other', message: { type: 'ready' } },
      wire(null),
      wire({ type: 'plaintext', text: 'hi' }),
      wire({ type: 'resize', height: '100' }),
      wire({ type: 'resize', height: Number.NaN }),
    ]) {
      expect(parseFrameToHost(bad)).toBeNull();
    }
  });
});

describe('hostOriginFromLocation', () => {
  test('only our host sites', () => {
    expect(hostOriginFromLocation('?host=https%3A%2F%2Fx.com')).toBe('https://x.com');
    expect(hostOriginFromLocation('?host=https://twitter.com')).toBe('https://twitter.com');
    expect(hostOriginFromLocation('?host=https://evil.example')).toBeNull();
    expect(hostOriginFromLocation('?host=http://x.com')).toBeNull();
    expect(hostOriginFromLocation('')).toBeNull();
  });
});

describe('parseHostToFrame', () => {
  const wire = (message: unknown) => ({ channel: 'sotto-frame', message });

  test('accepts a theme and nothing else', () => {
    expect(parseHostToFrame(wire({ type: 'theme', theme: 'dark', extra: 1 }))).toEqual({
      type: 'theme',
      theme: 'dark',
    });
    for (const bad of [
      null,
      wire({ type: 'theme', theme: 'dim' }),
      wire({ type: 'theme' }),
      wire({ type: 'resize', height: 10 }),
      { channel: 'other', message: { type: 'theme', theme: 'light' } },
    ]) {
      expect(parseHostToFrame(bad)).toBeNull();
    }
  });

  test("accepts a reader's message list only as well-formed ids, bounded in number", () => {
    const id = 'a'.repeat(64);
    expect(parseHostToFrame(wire({ type: 'messages', ids: [id, id], version: 3 }))).toEqual({
      type: 'messages',
      ids: [id, id],
      version: 3,
    });
    for (const bad of [
      wire({ type: 'messages', ids: [id] }),
      wire({ type: 'messages', ids: [id], version: -1 }),
      wire({ type: 'messages', ids: [id], version: 1.5 }),
      wire({ type: 'messages', ids: id, version: 1 }),
      wire({ type: 'messages', ids: ['A'.repeat(64)], version: 1 }),
      wire({ type: 'messages', ids: [`${id}<b>`], version: 1 }),
      wire({ type: 'messages', ids: [42], version: 1 }),
      wire({ type: 'messages', ids: Array(51).fill(id), version: 1 }),
    ]) {
      expect(parseHostToFrame(bad)).toBeNull();
    }
  });
});

describe('parseFrameToHost, reader extras', () => {
  const wire = (message: unknown) => ({ channel: 'sotto-frame', message });

  test('a ready version and per-message heights, clamped, or nothing', () => {
    expect(parseFrameToHost(wire({ type: 'ready', version: 2 }))).toEqual({
      type: 'ready',
      version: 2,
    });
    expect(parseFrameToHost(wire({ type: 'resize', height: 90, parts: [40.4, 1e9] }))).toEqual({
      type: 'resize',
      height: 90,
      parts: [40, 4000],
    });
    for (const bad of [
      wire({ type: 'ready', version: 'x' }),
      wire({ type: 'ready', version: -2 }),
      wire({ type: 'resize', height: 90, parts: ['40'] }),
      wire({ type: 'resize', height: 90, parts: 40 }),
      wire({ type: 'resize', height: 90, parts: Array(51).fill(1) }),
    ]) {
      expect(parseFrameToHost(bad)).toBeNull();
    }
  });
});

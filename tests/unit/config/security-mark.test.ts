import { describe, expect, test } from 'vitest';
import {
  MARK_COLOR_IDS,
  MARK_COLORS,
  MARK_EMOJI,
  parseSecurityMark,
  randomSecurityMark,
  SECURITY_MARK_RECORD_NAME,
  sameMark,
} from '../../../lib/config/security-mark';

const good = { color: 'teal', emoji: ['🦊', '🌵', '🚲'] };

/** A random source that hands out the given bytes in turn, then zeros. */
function bytes(...values: number[]) {
  let at = 0;
  return (length: number) =>
    Uint8Array.from({ length }, () => (at < values.length ? values[at++]! : 0));
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

describe('the palette and the emoji list', () => {
  test('about eight colours, each at least 3:1 against white and against black', () => {
    expect(MARK_COLOR_IDS.length).toBe(8);
    for (const hex of Object.values(MARK_COLORS)) {
      expect(hex).toMatch(/^#[0-9a-f]{6}$/);
      const l = luminance(hex);
      expect(1.05 / (l + 0.05), hex).toBeGreaterThanOrEqual(3);
      expect((l + 0.05) / 0.05, hex).toBeGreaterThanOrEqual(3);
    }
  });

  test('32 different emoji, each one code point', () => {
    expect(MARK_EMOJI.length).toBe(32);
    expect(new Set(MARK_EMOJI).size).toBe(32);
    for (const emoji of MARK_EMOJI) {
      expect([...emoji], emoji).toHaveLength(1);
      expect(emoji).toMatch(/^\p{Extended_Pictographic}$/u);
    }
  });

  test('the mark is stored as a user setting', () => {
    expect(SECURITY_MARK_RECORD_NAME).toMatch(/^user:[a-z0-9.-]{1,64}$/);
  });
});

describe('parseSecurityMark', () => {
  test('accepts a palette colour and three different emoji of the list', () => {
    expect(parseSecurityMark(good)).toEqual(good);
    expect(parseSecurityMark({ emoji: ['⭐', '⚓', '🌙'], color: 'red' })).toEqual({
      color: 'red',
      emoji: ['⭐', '⚓', '🌙'],
    });
  });

  test.each([
    ['a colour not in the palette', { ...good, color: 'black' }],
    ['a CSS colour', { ...good, color: '#e0322b' }],
    ['an inherited name', { ...good, color: 'toString' }],
    ['no colour', { emoji: good.emoji }],
    ['an emoji not in the list', { ...good, emoji: ['🦊', '🌵', '💩'] }],
    ['text', { ...good, emoji: ['🦊', '🌵', 'x'] }],
    ['an emoji with a skin tone', { ...good, emoji: ['🦊', '🌵', '👍🏽'] }],
    ['two emoji in one slot', { ...good, emoji: ['🦊🌵', '🚲', '⭐'] }],
    ['the same emoji twice', { ...good, emoji: ['🦊', '🦊', '🚲'] }],
    ['two emoji', { ...good, emoji: ['🦊', '🌵'] }],
    ['four emoji', { ...good, emoji: ['🦊', '🌵', '🚲', '⭐'] }],
    ['emoji as a string', { ...good, emoji: '🦊🌵🚲' }],
    ['an emoji not a string', { ...good, emoji: ['🦊', '🌵', 3] }],
    ['a hole in the list', { ...good, emoji: [undefined, '🌵', '🚲'] }],
    ['an extra field', { ...good, label: 'x' }],
    ['an array', [good]],
    ['null', null],
    ['a string', 'teal 🦊🌵🚲'],
  ])('refuses %s', (_name, value) => {
    expect(parseSecurityMark(value)).toBeNull();
  });

  test('returns a copy, not the caller’s list', () => {
    const input = { color: 'blue', emoji: ['🐢', '🐙', '🦋'] };
    const parsed = parseSecurityMark(input)!;
    input.emoji[0] = 'x';
    expect(parsed.emoji).toEqual(['🐢', '🐙', '🦋']);
  });
});

describe('randomSecurityMark', () => {
  test('takes its choices from the injected source, in the lists', () => {
    expect(randomSecurityMark(bytes(0, 0, 0, 0))).toEqual({
      color: 'red',
      emoji: ['🦊', '🐢', '🐙'],
    });
    // 7 → pink; 31 → the last emoji; then the first of what is left, twice.
    expect(randomSecurityMark(bytes(7, 31, 0, 0))).toEqual({
      color: 'pink',
      emoji: ['⭐', '🦊', '🐢'],
    });
  });

  test('never biases: bytes past the last whole multiple are drawn again', () => {
    // 31 emoji are left for the second: 248..255 are refused; 9 → the rest's tenth, 🌵.
    expect(randomSecurityMark(bytes(0, 0, 250, 255, 9, 0)).emoji).toEqual(['🦊', '🌵', '🐢']);
  });

  test('is always a valid mark, from a real source', () => {
    const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const mark = randomSecurityMark(random);
      expect(parseSecurityMark(mark)).toEqual(mark);
      expect(MARK_COLOR_IDS).toContain(mark.color);
      for (const emoji of mark.emoji) expect(MARK_EMOJI).toContain(emoji);
      seen.add(JSON.stringify(mark));
    }
    // 8 × 32 × 31 × 30 marks: 200 draws are (almost surely) all different.
    expect(seen.size).toBeGreaterThan(190);
  });
});

test('sameMark compares colour and emoji in order', () => {
  const mark = parseSecurityMark(good);
  expect(sameMark(mark, parseSecurityMark({ ...good }))).toBe(true);
  expect(sameMark(mark, parseSecurityMark({ ...good, color: 'blue' }))).toBe(false);
  expect(sameMark(mark, parseSecurityMark({ ...good, emoji: ['🌵', '🦊', '🚲'] }))).toBe(false);
  expect(sameMark(mark, null)).toBe(false);
  expect(sameMark(null, null)).toBe(true);
});

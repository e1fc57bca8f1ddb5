/**
 * The user's security mark: a colour and three emoji they chose, shown on every Sotto surface
 * (the compose and reader frames, the popup, the decision and call windows). x.com cannot read
 * the vault or look into extension frames, so a box on the page without the user's own mark
 * was drawn by the page. Pure: no browser API; randomness is injected.
 */

import type { RandomSource } from '../crypto/random';

/** The vault's settings record holding the mark. */
export const SECURITY_MARK_RECORD_NAME = 'user:security-mark';

/**
 * The colours a mark can have. Each has a contrast of at least 3:1 against both white and
 * black (WCAG's figure for graphics), so the mark reads in the light and the dark theme.
 */
export const MARK_COLORS = {
  red: '#e0322b',
  orange: '#d9680d',
  yellow: '#b08800',
  green: '#2e9b3e',
  teal: '#0f8f8f',
  blue: '#2f6fe4',
  purple: '#8e4fd6',
  pink: '#d6368a',
} as const;

export type MarkColor = keyof typeof MARK_COLORS;

export const MARK_COLOR_IDS = Object.keys(MARK_COLORS) as MarkColor[];

/**
 * The emoji a mark can use: distinct shapes and colours, one code point each (no variation
 * selectors or joiners, so every font draws them alike), in emoji presentation by default.
 */
export const MARK_EMOJI = [
  '🦊',
  '🐢',
  '🐙',
  '🦋',
  '🐝',
  '🐧',
  '🦉',
  '🐳',
  '🐘',
  '🦒',
  '🌵',
  '🌻',
  '🍄',
  '🍋',
  '🍉',
  '🍒',
  '🥕',
  '🌽',
  '🍩',
  '🎈',
  '🎸',
  '🚲',
  '🚀',
  '⚓',
  '🔑',
  '🔔',
  '💎',
  '🎲',
  '🧲',
  '⛵',
  '🌙',
  '⭐',
] as const;

export type MarkEmoji = (typeof MARK_EMOJI)[number];

/** How many emoji a mark has. */
export const MARK_EMOJI_COUNT = 3;

export interface SecurityMark {
  color: MarkColor;
  /** Three different emoji from `MARK_EMOJI`, in the order shown. */
  emoji: [MarkEmoji, MarkEmoji, MarkEmoji];
}

export function isMarkColor(value: unknown): value is MarkColor {
  return typeof value === 'string' && Object.hasOwn(MARK_COLORS, value);
}

export function isMarkEmoji(value: unknown): value is MarkEmoji {
  return typeof value === 'string' && (MARK_EMOJI as readonly string[]).includes(value);
}

/**
 * A mark as it comes from a caller or the store: exactly `color` and `emoji`, a palette colour
 * and three different emoji of the list. Anything else is `null`.
 */
export function parseSecurityMark(value: unknown): SecurityMark | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 2 || !keys.includes('color') || !keys.includes('emoji')) return null;
  const { color, emoji } = record;
  if (!isMarkColor(color)) return null;
  if (!Array.isArray(emoji) || emoji.length !== MARK_EMOJI_COUNT) return null;
  const [first, second, third] = emoji as unknown[];
  if (!isMarkEmoji(first) || !isMarkEmoji(second) || !isMarkEmoji(third)) return null;
  if (first === second || first === third || second === third) return null;
  return { color, emoji: [first, second, third] };
}

/** An unbiased index below `n` (n ≤ 256) from random bytes. */
function randomIndex(random: RandomSource, n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    const [byte] = random(1);
    if (byte !== undefined && byte < limit) return byte % n;
  }
}

/** A random mark: any colour, three different emoji, each choice uniform. */
export function randomSecurityMark(random: RandomSource): SecurityMark {
  const color = MARK_COLOR_IDS[randomIndex(random, MARK_COLOR_IDS.length)]!;
  const pool: MarkEmoji[] = [...MARK_EMOJI];
  const picked: MarkEmoji[] = [];
  while (picked.length < MARK_EMOJI_COUNT) {
    picked.push(pool.splice(randomIndex(random, pool.length), 1)[0]!);
  }
  return { color, emoji: [picked[0]!, picked[1]!, picked[2]!] };
}

/** Whether two marks are the same mark. */
export function sameMark(a: SecurityMark | null, b: SecurityMark | null): boolean {
  if (a === null || b === null) return a === b;
  return a.color === b.color && a.emoji.every((emoji, i) => emoji === b.emoji[i]);
}

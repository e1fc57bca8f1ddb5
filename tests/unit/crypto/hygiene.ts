/**
 * Errors must never carry plaintext, key bytes or anything derived from them. We check the
 * strongest form we can: an error has exactly `code` and `reason`, the code is from the
 * closed set, and the reason is a string literal written in lib/crypto's source (so it
 * cannot contain data).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, type Result } from '../../../lib/crypto';

const dir = join(__dirname, '../../../lib/crypto');
const literals = new Set<string>();
for (const file of readdirSync(dir)) {
  if (!file.endsWith('.ts')) continue;
  const source = readFileSync(join(dir, file), 'utf8');
  for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'/g)) literals.add(m[1]!);
}

/** Why `error` is not a bare, data-free CryptoError, or null if it is one. */
export function hygieneProblem(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return 'not an object';
  const keys = Object.keys(error).sort().join(',');
  if (keys !== 'code,reason') return `unexpected fields: ${keys}`;
  const { code, reason } = error as { code: unknown; reason: unknown };
  if (!(ERROR_CODES as readonly unknown[]).includes(code)) return `unknown code: ${String(code)}`;
  if (typeof reason !== 'string' || !literals.has(reason))
    return `reason is not a source literal: ${String(reason)}`;
  return null;
}

/**
 * Why `r` is not a rejection with a hygienic error whose code is in `allowed`, or null.
 * Cheap enough for loops of thousands; collect the problems and assert once.
 */
export function rejectionProblem(
  r: Result<unknown>,
  allowed: readonly string[] = ERROR_CODES,
): string | null {
  if (typeof r !== 'object' || r === null) return 'not a result';
  if (r.ok) return 'accepted';
  if (!allowed.includes(r.error.code)) return `unexpected code ${r.error.code}`;
  return hygieneProblem(r.error);
}

/** Records problems by kind with one example each, so a failing assertion stays readable. */
export class Problems {
  readonly seen = new Map<string, string>();
  add(problem: string | null, example: string): void {
    if (problem && !this.seen.has(problem)) this.seen.set(problem, example.slice(0, 120));
  }
  list(): [string, string][] {
    return [...this.seen];
  }
}

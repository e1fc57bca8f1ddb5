/**
 * How long a new passphrase must be. Pure (no store, no browser API), so the pages can check
 * what the user types with the same rule the store enforces.
 */

/**
 * The fewest characters (Unicode code points, after NFKC normalisation) a passphrase may have
 * when it is set or changed. Unlocking never checks it, so a vault protected before the rule
 * existed still opens.
 *
 * Why 12: the passphrase protects the vault against whoever gets a copy of the browser
 * profile, and they can guess offline, as fast as their hardware runs Argon2id (64 MiB, t = 2,
 * `PASSPHRASE_KDF`): roughly ten thousand guesses a second on one GPU. Eight characters from
 * the 95 printable ASCII ones (≈ 2^52) falls within months to a determined attacker with many
 * GPUs, and real passphrases are far from uniformly random; twelve (≈ 2^78 if random, and
 * still enough for three or four ordinary words) puts exhaustive search out of reach and is
 * what NIST SP 800-63B and OWASP suggest as a floor where no second factor exists. A floor is
 * not a guarantee: the hint still asks for a long phrase.
 */
export const MIN_PASSPHRASE_LENGTH = 12;

/** How many characters `passphrase` counts as (code points after NFKC, what the KDF gets). */
export function passphraseLength(passphrase: string): number {
  let n = 0;
  for (const _ of passphrase.normalize('NFKC')) n++;
  return n;
}

/** Whether `passphrase` may be set as a new passphrase. */
export function longEnoughPassphrase(passphrase: string): boolean {
  return typeof passphrase === 'string' && passphraseLength(passphrase) >= MIN_PASSPHRASE_LENGTH;
}

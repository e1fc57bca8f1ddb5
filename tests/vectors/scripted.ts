/**
 * A random source that replays given byte strings in order, for test vectors: each call must
 * ask for exactly the length of the next entry, so the vectors also pin down the order in
 * which the protocol draws randomness.
 */
import { fromHex, type RandomSource } from '../../lib/crypto';

/** Replays `hexes` one per call; throws if a call asks for another length or for more. */
export function scripted(hexes: readonly string[]): RandomSource & { remaining(): number } {
  let next = 0;
  const rng = ((length: number) => {
    const hex = hexes[next];
    if (hex === undefined)
      throw new Error(`scripted rng exhausted (call ${next + 1}, ${length} bytes)`);
    const bytes = fromHex(hex);
    if (!bytes || bytes.length !== length) {
      throw new Error(
        `scripted rng call ${next + 1}: wanted ${length} bytes, script has ${hex.length / 2}`,
      );
    }
    next++;
    return bytes;
  }) as RandomSource & { remaining(): number };
  rng.remaining = () => hexes.length - next;
  return rng;
}

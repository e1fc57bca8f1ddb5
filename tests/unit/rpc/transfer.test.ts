import fc from 'fast-check';
import { expect, test } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../lib/rpc/transfer';

test('bytes survive the trip through base64, including large files', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
      expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    }),
  );
  const large = new Uint8Array(300_000).map((_, i) => i % 251);
  expect(base64ToBytes(bytesToBase64(large))).toEqual(large);
});

test('text that is not base64 is refused, not guessed', () => {
  expect(base64ToBytes('not base64!')).toBeNull();
  expect(base64ToBytes('abcde')).toBeNull(); // a length no base64 text can have
});

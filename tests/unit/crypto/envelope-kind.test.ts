import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { wrapPayload } from '../../../lib/crypto/envelope';
import { envelopeKind, looksLikeEnvelope } from '../../../lib/crypto/marker';

const vectors = JSON.parse(
  readFileSync(join(__dirname, '../../vectors/sotto-v1.json'), 'utf8'),
) as {
  alice: { invite: string };
  messages: { envelope: string }[];
  split: { envelope: string; parts: string[] };
};

describe('envelopeKind (labels for envelope text, from its first frame bytes)', () => {
  test('the test vectors: an invite (with its note), init and plain messages, and parts', () => {
    expect(envelopeKind(vectors.alice.invite)).toBe('invite');
    for (const { envelope } of vectors.messages) expect(envelopeKind(envelope)).toBe('message');
    expect(envelopeKind(vectors.split.envelope)).toBe('message');
    for (const part of vectors.split.parts) expect(envelopeKind(part)).toBe('part');
  });

  test('agrees with the frame and payload bytes the protocol writes', () => {
    const payload = (type: number) => Uint8Array.of(1, type, ...new Uint8Array(40).fill(7));
    expect(envelopeKind(wrapPayload(payload(1), 'a note'))).toBe('invite');
    expect(envelopeKind(wrapPayload(payload(2)))).toBe('message');
    expect(envelopeKind(wrapPayload(payload(3)))).toBe('message');
    expect(envelopeKind(wrapPayload(payload(9)))).toBe('unknown');
    expect(envelopeKind(wrapPayload(Uint8Array.of(2, 3, 0, 0)))).toBe('unknown');
  });

  test('as an inbox preview shows it: after "You: ", or cut short by the host', () => {
    const [message] = vectors.messages;
    expect(envelopeKind(`You: ${message!.envelope}`)).toBe('message');
    expect(envelopeKind(`${message!.envelope.slice(0, 20)}…`)).toBe('message');
    expect(envelopeKind(`You: ${vectors.split.parts[1]!.slice(0, 40)}`)).toBe('part');
  });

  test('anything with the marker is labelled (never shown); text without it is not', () => {
    for (const text of ['SOTTO1.', 'SOTTO1.AA', 'SOTTO1.A*ED', 'SOTTO2.AAED', 'SOTTO01.AAED']) {
      expect(looksLikeEnvelope(text)).toBe(true);
      expect(envelopeKind(text)).toBe('unknown');
    }
    for (const text of ['', 'hello', 'SOTTO.AAED', 'sotto1.AAED', 'SOTTO1AAED']) {
      expect(envelopeKind(text)).toBeNull();
    }
    expect(envelopeKind(undefined as unknown as string)).toBeNull();
  });
});

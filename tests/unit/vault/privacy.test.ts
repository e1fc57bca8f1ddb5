// No VaultError message, IngestResult or ComposeTarget ever carries plaintext, over a corpus
// of calls that succeed, fail and misbehave. Nor does anything the vault writes to disk.
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../lib/crypto';
import { raw } from '../store/helpers';
import { alter, CONV, connect, deliverParts, person } from './helpers';

// Words of four or more characters are searched for; none may be digits only, or it could turn
// up by chance inside a 60-digit safety number or a hex fingerprint (a flaky false alarm).
const SECRETS = [
  'zebra-quartz-7731 meet at the old mill',
  'Пароль: северное-сияние-42',
  '秘密のメッセージ code9137',
  'emoji 🦊🔑 secret fox key pin5520',
];

describe('plaintext stays inside', () => {
  it('never appears in an error, an ingest answer, a compose target, or on disk', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const outputs: unknown[] = [];
    const errors: unknown[] = [];
    const attempt = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        errors.push(error);
        return undefined;
      }
    };

    // Before any session: encrypt fails with NO_SESSION, invalid input fails with BAD_INPUT.
    for (const s of SECRETS) {
      await attempt(() => alice.vault.encrypt(CONV, 'bob', s));
      await attempt(() => alice.vault.encrypt(CONV, s, s));
      await attempt(() => alice.vault.encrypt(s, 'bob', s));
      await attempt(() => alice.vault.encrypt(CONV, 'bob', s.repeat(10_000)));
      await attempt(() => alice.vault.saveDraft(CONV, s.repeat(10_000)));
      outputs.push(await alice.see(CONV, 'bob', 'in', s));
      outputs.push(
        await attempt(() =>
          alice.vault.ingest({
            conversationId: CONV,
            partner: s,
            rowId: s,
            direction: 'in',
            text: s,
          }),
        ),
      );
    }
    await connect(alice, bob);
    outputs.push(await alice.vault.composeTarget(CONV, 'bob'));
    for (const s of SECRETS) {
      await alice.vault.saveDraft(CONV, s);
      const out = await alice.vault.encrypt(CONV, 'bob', s);
      outputs.push(await deliverParts(alice, CONV, 'bob', out.parts, 'out'));
      outputs.push(await deliverParts(bob, CONV, 'alice', out.parts));
      outputs.push(await bob.see(CONV, 'alice', 'in', out.parts[0]!)); // re-render
      outputs.push(await bob.see('conv-other', 'alice', 'in', out.parts[0]!)); // misplaced
      outputs.push(await bob.see(CONV, 'alice', 'in', alter(out.parts[0]!))); // altered
      outputs.push(await alice.see(CONV, 'bob', 'in', out.parts[0]!)); // reflected
      outputs.push(await bob.vault.composeTarget(CONV, 'alice'));
      // Wrong-state calls with the plaintext's id.
      await attempt(() => bob.vault.acceptInvite(out.messageId));
      await attempt(() => bob.vault.reportDelivery(out.messageId, 'sent'));
    }
    // A verified contact's key change: blocked sends carry the plaintext in the request.
    await alice.vault.setVerified('bob', true);
    const bob2 = await person('bob');
    const inv = await bob2.vault.createInvite(CONV, 'alice');
    outputs.push(await deliverParts(alice, CONV, 'bob', inv.parts));
    outputs.push(await alice.vault.composeTarget(CONV, 'bob'));
    for (const s of SECRETS) await attempt(() => alice.vault.encrypt(CONV, 'bob', s));
    // Locked.
    await alice.vault.setPassphrase(SECRETS[0]!);
    alice.vault.lock();
    await attempt(() => alice.vault.unlock(SECRETS[1]!));
    for (const s of SECRETS) {
      await attempt(() => alice.vault.encrypt(CONV, 'bob', s));
      await attempt(() =>
        alice.vault.ingest({
          conversationId: CONV,
          partner: 'bob',
          rowId: 'r',
          direction: 'in',
          text: s,
        }),
      );
    }

    // The corpus is not trivial: it holds answers of every kind and errors of many codes.
    const answers = outputs.filter((o) => o !== undefined);
    expect(answers.length).toBeGreaterThanOrEqual(35);
    const codes = new Set(errors.map((e) => (e as { code: string }).code));
    for (const c of [
      'NO_SESSION',
      'BAD_INPUT',
      'KEY_CHANGED_BLOCKED',
      'LOCKED',
      'WRONG_PASSPHRASE',
      'NOT_AN_INVITE',
    ]) {
      expect(codes).toContain(c);
    }
    const states = new Set(
      answers.map(
        (o) => (o as { state?: string; kind?: string }).state ?? (o as { kind: string }).kind,
      ),
    );
    for (const s of [
      'not-sotto',
      'sent',
      'decrypted',
      'error',
      'invite',
      'ready',
      'key-changed-blocked',
    ]) {
      expect(states).toContain(s);
    }

    const texts = [
      ...answers.map((o) => JSON.stringify(o)),
      ...errors.flatMap((e) => [
        String(e),
        (e as Error).message,
        (e as Error).stack ?? '',
        JSON.stringify(e),
      ]),
    ];
    for (const secret of SECRETS) {
      for (const word of secret.split(' ').filter((w) => w.length >= 4)) {
        for (const t of texts)
          expect(t.includes(word), `"${word}" leaked into ${t.slice(0, 80)}`).toBe(false);
      }
    }

    // On disk (Bob's vault has no passphrase, Alice's is locked): no plaintext bytes anywhere.
    for (const who of [alice, bob]) {
      const db = await raw(who.factory);
      const dump: Uint8Array[] = [];
      for (const name of db.objectStoreNames) {
        for (const row of await db.getAll(name)) {
          dump.push(
            utf8Encode(
              JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)),
            ),
          );
          for (const v of Object.values(row as object)) if (v instanceof Uint8Array) dump.push(v);
        }
      }
      db.close();
      for (const secret of SECRETS) {
        const needle = utf8Encode(secret.split(' ')[0]!);
        for (const blob of dump) expect(indexOf(blob, needle)).toBe(-1);
      }
    }
  }, 30_000);
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

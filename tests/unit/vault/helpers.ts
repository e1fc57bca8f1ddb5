// Shared fixtures for the vault tests: two people, each with their own fake IndexedDB, a
// controllable clock, and a "host" that carries envelope strings between them.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect } from 'vitest';
import type { KdfParams } from '../../../lib/store';
import {
  type IngestResult,
  isVaultError,
  type OpenVaultOptions,
  openVault,
  type Vault,
  type VaultErrorCode,
} from '../../../lib/vault';

/** Argon2id at its minimum (as in the store tests): the tests check logic, not cost. */
export const CHEAP_KDF: KdfParams = { alg: 'argon2id', m: 8, t: 1, p: 1 };

export const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand (1 ms per reading, so timestamps are distinct anyway). */
export class Clock {
  t = Date.UTC(2025, 0, 1);
  now = (): number => this.t;
  tick(ms: number): void {
    this.t += ms;
  }
}

/** One person: a handle, their own IndexedDB, and the vault currently open on it. */
export class Person {
  readonly handle: string;
  readonly factory = new IDBFactory();
  readonly clock: Clock;
  readonly options: Partial<OpenVaultOptions>;
  vault!: Vault;
  #rows = 0;

  constructor(handle: string, clock: Clock, options: Partial<OpenVaultOptions> = {}) {
    this.handle = handle;
    this.clock = clock;
    this.options = options;
  }

  async open(): Promise<Vault> {
    this.vault = await openVault({
      indexedDB: this.factory,
      kdf: CHEAP_KDF,
      now: this.clock.now,
      ...this.options,
    });
    return this.vault;
  }

  /**
   * Simulate the MV3 worker being killed: drop the vault without closing anything and open a
   * fresh one on the same IndexedDB. Nothing in memory survives.
   */
  async restart(): Promise<Vault> {
    const old = this.vault;
    await this.open();
    old.close();
    return this.vault;
  }

  /** A fresh row id, as the content script would make one per DOM row. */
  row(): string {
    return `${this.handle}-row-${++this.#rows}`;
  }

  /** Show a row of `conversationId` (with `partner`) to this person's vault. */
  see(
    conversationId: string,
    partner: string,
    direction: 'in' | 'out',
    text: string,
  ): Promise<IngestResult> {
    return this.vault.ingest({ conversationId, partner, rowId: this.row(), direction, text });
  }
}

export async function person(
  handle: string,
  clock = new Clock(),
  options: Partial<OpenVaultOptions> = {},
) {
  const p = new Person(handle, clock, options);
  await p.open();
  return p;
}

/** Ingest every part; the last answer is the message's (the others are part-pending). */
export async function deliverParts(
  to: Person,
  conversationId: string,
  partner: string,
  parts: string[],
  direction: 'in' | 'out' = 'in',
): Promise<IngestResult> {
  let last: IngestResult = { kind: 'not-sotto' };
  for (const part of parts) last = await to.see(conversationId, partner, direction, part);
  return last;
}

/** The message id and state of an ingest answer, failing the test if it is not a message. */
export function asMessage(result: IngestResult): { messageId: string; state: string } {
  if (result.kind !== 'message') throw new Error(`expected a message, got ${result.kind}`);
  return { messageId: result.messageId, state: result.state };
}

/** Expect `work` to reject with a VaultError of `code`. */
export async function expectVaultError(
  work: Promise<unknown>,
  code: VaultErrorCode,
): Promise<void> {
  let caught: unknown = null;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  expect(isVaultError(caught), `expected VaultError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

export const CONV = 'conv-alice-bob';

/**
 * Alice invites Bob in CONV, Bob accepts, Alice reads the acceptance: an established session.
 * Returns the envelopes involved.
 */
export async function connect(alice: Person, bob: Person, conv = CONV) {
  const invite = await alice.vault.createInvite(conv, bob.handle);
  await deliverParts(alice, conv, bob.handle, invite.parts, 'out');
  const seen = asMessage(await deliverParts(bob, conv, alice.handle, invite.parts));
  expect(seen.state).toBe('invite');
  const accept = await bob.vault.acceptInvite(seen.messageId);
  const accepted = asMessage(await deliverParts(alice, conv, bob.handle, accept.parts));
  expect(accepted.state).toBe('accepted');
  return { invite, inviteId: seen.messageId, accept };
}

/** `from` encrypts `text` in `conv`; `to` ingests it; returns both sides' answers. */
export async function send(from: Person, to: Person, text: string, conv = CONV) {
  const sent = await from.vault.encrypt(conv, to.handle, text);
  const own = asMessage(await deliverParts(from, conv, to.handle, sent.parts, 'out'));
  const got = asMessage(await deliverParts(to, conv, from.handle, sent.parts));
  return { sent, own, got };
}

/** Flip one base64url character in the middle of an envelope (stays well-formed text). */
export function alter(envelope: string, at = Math.floor(envelope.length / 2)): string {
  const c = envelope[at]!;
  const replacement = c === 'A' ? 'B' : 'A';
  return envelope.slice(0, at) + replacement + envelope.slice(at + 1);
}

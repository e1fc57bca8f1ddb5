// Every error and status a user can be shown is a message key; each must have its English
// sentence, or a page would show the bare key.
import { describe, expect, test } from 'vitest';
import { SERVER_UNREACHABLE, STARTING } from '../../../lib/calls/presence';
import { inEnglish } from '../../../lib/i18n/english';
import { type UserText, userText } from '../../../lib/i18n/user-text';
import { RPC_ERROR_CODES, rpcError } from '../../../lib/rpc/errors';
import { STORE_ERROR_CODES, StoreError } from '../../../lib/store/errors';
import {
  toVaultError,
  VAULT_ERROR_CODES,
  VAULT_MESSAGES,
  VaultError,
} from '../../../lib/vault/errors';
import messages from '../../../public/_locales/en/messages.json';

const english: Record<string, { message: string; placeholders?: object }> = messages;

function expectSentence(what: string, text: UserText): void {
  const sentence = inEnglish(text);
  expect(sentence, `${what}: "${text.key}" has no English message`).not.toBe('');
  // A placeholder left unfilled would show as an empty gap or a literal $1.
  expect(english[text.key]?.placeholders ?? {}, `${what}: "${text.key}" expects values`).toEqual(
    {},
  );
}

describe('every error code has an English sentence', () => {
  test.each(STORE_ERROR_CODES)('store %s', (code) => {
    expectSentence(code, new StoreError(code).text);
    // What the vault makes of it keeps a sentence too.
    expectSentence(code, toVaultError(new StoreError(code)).text);
  });

  test.each(VAULT_ERROR_CODES)('vault %s', (code) => {
    expectSentence(code, new VaultError(code).text);
  });

  test.each(RPC_ERROR_CODES)('rpc %s', (code) => {
    expectSentence(code, rpcError(code).text);
  });

  test.each(Object.entries(VAULT_MESSAGES))('vault situation %s', (name, text) => {
    expectSentence(name, text);
  });

  test('presence details', () => {
    expectSentence('server unreachable', SERVER_UNREACHABLE);
    expectSentence('starting', STARTING);
  });
});

test('a text with values reads with them in place, a text among them translated too', () => {
  expect(inEnglish(userText('configIceEntryUrls', 2, 'stun: turn:'))).toBe(
    'entry 2: "urls" must be a string or array of strings starting with stun: turn:',
  );
  expect(inEnglish(userText('callsBadIce', userText('configIceTooMany', 16)))).toBe(
    'The ICE servers are not valid: must list at most 16 servers',
  );
});

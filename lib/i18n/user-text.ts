/**
 * A sentence for the user, as data: the key of its English text in
 * `public/_locales/en/messages.json` and the values for its placeholders. Errors and statuses
 * carry one across contexts (the RPC, the offscreen document) and the page translates it where
 * it is shown, in that page's language. Pure: no browser API, so `lib/store` and `lib/vault`
 * can make one without depending on `browser.i18n`.
 */
import type english from '../../public/_locales/en/messages.json';

/** A key of the English messages: a misspelt or missing message is a type error. */
export type MessageKey = keyof typeof english;

export interface UserText {
  readonly key: MessageKey;
  /** Values for `$1`…, in order; absent when the message has no placeholders. */
  readonly substitutions?: readonly string[];
}

/** The message `key`, its placeholders filled from `substitutions` when it is shown. */
export function userText(key: MessageKey, ...substitutions: (string | number)[]): UserText {
  return substitutions.length === 0 ? { key } : { key, substitutions: substitutions.map(String) };
}

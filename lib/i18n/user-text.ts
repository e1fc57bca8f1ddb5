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
  /**
   * Values for `$1`…, in order; absent when the message has no placeholders. A value that is
   * itself a text (a reason inside "… is not valid: $DETAIL$") is translated with it.
   */
  readonly substitutions?: readonly (string | UserText)[];
}

/** The message `key`, its placeholders filled from `substitutions` when it is shown. */
export function userText(
  key: MessageKey,
  ...substitutions: (string | number | UserText)[]
): UserText {
  if (substitutions.length === 0) return { key };
  return {
    key,
    substitutions: substitutions.map((value) =>
      typeof value === 'object' ? value : String(value),
    ),
  };
}

/** Fills a text's values with `translate` (nested texts first) and translates it. */
export function translateWith(
  translateKey: (key: MessageKey, ...substitutions: string[]) => string,
  text: UserText,
): string {
  const values = (text.substitutions ?? []).map((value) =>
    typeof value === 'string' ? value : translateWith(translateKey, value),
  );
  return translateKey(text.key, ...values);
}

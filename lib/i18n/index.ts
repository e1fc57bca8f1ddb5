/**
 * Every text the extension's pages show comes from `public/_locales/<lang>/messages.json`
 * through the browser's i18n API. English is the reference: its keys are the type of a key,
 * so a misspelt or missing message is a type error, not a blank on screen.
 */
import { browser } from 'wxt/browser';
import { type MessageKey, translateWith, type UserText } from './user-text';

export { type MessageKey, type UserText, userText } from './user-text';

type GetMessage = (key: string, substitutions?: string | string[]) => string;

/** A translator over any `getMessage` (the browser's, or a table in tests). */
export function createTranslator(getMessage: GetMessage) {
  return (key: MessageKey, ...substitutions: (string | number)[]): string => {
    const text = getMessage(key, substitutions.map(String));
    // A locale missing a message (or a browser without i18n) shows the key, never a blank.
    return text || key;
  };
}

/** The text of `key` in the browser's language, `$1`… filled from `substitutions`. */
// WXT types getMessage with the keys of its last `wxt prepare`; ours come from the JSON itself.
export const t = createTranslator((key, substitutions) =>
  (browser.i18n.getMessage as GetMessage)(key, substitutions),
);

/** The text of a sentence carried as data (an error, a status), in the browser's language. */
export function translate(text: UserText): string {
  return translateWith(t, text);
}

/** Dates and times the way the browser's language writes them. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(browser.i18n.getUILanguage(), {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/**
 * Sets the page's title and `lang` from the messages in use: `lang` is the language those
 * messages are written in (a browser in German still reads English text until there is a
 * German locale), so screen readers pronounce it right.
 */
export function localizeDocument(titleKey: MessageKey): void {
  document.title = t(titleKey);
  document.documentElement.lang = t('messagesLanguage');
}

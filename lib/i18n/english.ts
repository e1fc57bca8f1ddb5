/**
 * The English text of a `UserText` without a browser: for the build (a bad SOTTO_* value
 * names its problem in English) and for tests in Node. Extension code uses `translate` from
 * `lib/i18n`, which asks the browser for the user's language.
 */
import messages from '../../public/_locales/en/messages.json';
import { type MessageKey, translateWith, type UserText } from './user-text';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

const english: Partial<Record<string, Message>> = messages;

/** What `browser.i18n.getMessage` gives in English: `$NAME$` filled from its `$n`; '' if missing. */
function englishMessage(key: MessageKey, ...substitutions: string[]): string {
  const entry = english[key];
  if (!entry) return '';
  return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return substitutions[Number(content.slice(1)) - 1] ?? '';
  });
}

/** The English sentence of `text`, its values (and any texts among them) filled in. */
export function inEnglish(text: UserText): string {
  return translateWith(englishMessage, text);
}

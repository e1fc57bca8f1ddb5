// The English messages as the browser's getMessage would give them, for tests in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserText } from '../../../lib/i18n/user-text';

export interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string }>;
}

export const english: Record<string, Message> = JSON.parse(
  readFileSync(join(__dirname, '../../../public/_locales/en/messages.json'), 'utf8'),
);

/** What `browser.i18n.getMessage` makes of a text in English: '' for a missing key. */
export function inEnglish(text: UserText): string {
  const entry = english[text.key];
  if (!entry) return '';
  return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    const index = Number(content.slice(1)) - 1;
    return text.substitutions?.[index] ?? '';
  });
}

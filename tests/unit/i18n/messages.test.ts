import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string }>;
}

const LOCALES = join(__dirname, '../../../public/_locales');
const read = (locale: string): Record<string, Message> =>
  JSON.parse(readFileSync(join(LOCALES, locale, 'messages.json'), 'utf8'));
const english = read('en');

/** Every source file of the extension's pages and the code they share. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

describe('the English messages', () => {
  test('each has a text and a description for translators', () => {
    for (const [key, entry] of Object.entries(english)) {
      expect(entry.message.trim(), key).not.toBe('');
      expect(entry.description?.trim(), `${key} needs a description`).toBeTruthy();
    }
  });

  test('every $NAME$ in a text has a placeholder, and every placeholder is used', () => {
    for (const [key, entry] of Object.entries(english)) {
      const used = [...entry.message.matchAll(/\$([A-Za-z_]+)\$/g)].map((m) => m[1]!.toLowerCase());
      const defined = Object.keys(entry.placeholders ?? {});
      expect(new Set(used), key).toEqual(new Set(defined));
      for (const placeholder of Object.values(entry.placeholders ?? {})) {
        expect(placeholder.content, key).toMatch(/^\$[1-9]$/);
      }
    }
  });

  test('no message is unused (each key appears in the code or the manifest)', () => {
    const code = [
      ...sources(join(__dirname, '../../../entrypoints')),
      ...sources(join(__dirname, '../../../components')),
      ...sources(join(__dirname, '../../../lib')),
      readFileSync(join(__dirname, '../../../wxt.config.ts'), 'utf8'),
    ].join('\n');
    const unused = Object.keys(english).filter(
      (key) => !code.includes(`'${key}'`) && !code.includes(`__MSG_${key}__`),
    );
    expect(unused).toEqual([]);
  });
});

describe('other locales', () => {
  test('hold only keys English has, with the same placeholders', () => {
    for (const locale of readdirSync(LOCALES).filter((name) => name !== 'en')) {
      for (const [key, entry] of Object.entries(read(locale))) {
        expect(english[key], `${locale}: ${key} is not an English key`).toBeDefined();
        expect(Object.keys(entry.placeholders ?? {}).sort()).toEqual(
          Object.keys(english[key]?.placeholders ?? {}).sort(),
        );
      }
    }
  });
});

import { describe, expect, test, vi } from 'vitest';

vi.mock('wxt/browser', () => ({ browser: { i18n: { getMessage: () => '' } } }));

const { createTranslator } = await import('../../../lib/i18n');

describe('the translator', () => {
  test('passes the key and substitutions as strings to the browser', () => {
    const getMessage = vi.fn((key: string, subs?: string | string[]) => `${key}:${String(subs)}`);
    const t = createTranslator(getMessage);
    expect(t('statusRunning', '1.2.3')).toBe('statusRunning:1.2.3');
    expect(t('backupExportDone', 12)).toBe('backupExportDone:12');
    expect(getMessage).toHaveBeenLastCalledWith('backupExportDone', ['12']);
  });

  test('a message missing from the locale shows its key, never a blank', () => {
    const t = createTranslator(() => '');
    expect(t('contactsTitle')).toBe('contactsTitle');
  });
});

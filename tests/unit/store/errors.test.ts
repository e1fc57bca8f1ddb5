import { describe, expect, it } from 'vitest';
import {
  isStoreError,
  STORE_ERROR_CODES,
  StoreError,
  type StoreErrorCode,
  toStoreError,
} from '../../../lib/store/errors';

describe('errors', () => {
  it('maps IndexedDB failures by name and drops their messages', () => {
    const cases: [string, StoreErrorCode][] = [
      ['QuotaExceededError', 'QUOTA'],
      ['VersionError', 'VERSION_TOO_NEW'],
      ['InvalidStateError', 'UNAVAILABLE'],
      ['UnknownError', 'UNAVAILABLE'],
      ['DataCloneError', 'INTERNAL'],
      ['TypeError', 'INTERNAL'],
    ];
    for (const [name, code] of cases) {
      const mapped = toStoreError(new DOMException('value "hunter2" could not be cloned', name));
      expect(mapped.code).toBe(code);
      expect(mapped.message).not.toContain('hunter2');
      expect(mapped).not.toHaveProperty('cause');
    }
    expect(toStoreError('weird').code).toBe('INTERNAL');
    expect(toStoreError(null).code).toBe('INTERNAL');
  });

  it('keeps a StoreError as it is and gives every code a text of its own', () => {
    const original = new StoreError('LOCKED');
    expect(toStoreError(original)).toBe(original);
    expect(isStoreError(original)).toBe(true);
    expect(isStoreError(original, 'LOCKED')).toBe(true);
    expect(isStoreError(original, 'QUOTA')).toBe(false);
    expect(isStoreError(new Error('x'))).toBe(false);
    // That each text exists in English is checked with every other error in tests/unit/i18n.
    const keys = STORE_ERROR_CODES.map((code) => new StoreError(code).text.key);
    expect(new Set(keys).size).toBe(STORE_ERROR_CODES.length);
  });
});

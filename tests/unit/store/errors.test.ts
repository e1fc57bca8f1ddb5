import { describe, expect, it } from 'vitest';
import {
  isStoreError,
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

  it('keeps a StoreError as it is and gives every code a message', () => {
    const original = new StoreError('LOCKED');
    expect(toStoreError(original)).toBe(original);
    expect(isStoreError(original)).toBe(true);
    expect(isStoreError(original, 'LOCKED')).toBe(true);
    expect(isStoreError(original, 'QUOTA')).toBe(false);
    expect(isStoreError(new Error('x'))).toBe(false);
    const codes: StoreErrorCode[] = [
      'LOCKED',
      'WRONG_PASSPHRASE',
      'WRONG_KEY',
      'NO_PASSPHRASE',
      'PASSPHRASE_SET',
      'PASSPHRASE_INVALID',
      'RECORD_CORRUPT',
      'BACKUP_KEY_TYPO',
      'BACKUP_KEY_INVALID',
      'BACKUP_CORRUPT',
      'BACKUP_VERSION',
      'NOT_EMPTY',
      'QUOTA',
      'VERSION_TOO_NEW',
      'UNAVAILABLE',
      'CONFLICT',
      'INTERNAL',
    ];
    const messages = codes.map((code) => new StoreError(code).message);
    for (const m of messages) expect(m.length).toBeGreaterThan(20);
    expect(new Set(messages).size).toBe(codes.length);
  });
});

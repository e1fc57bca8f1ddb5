import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createHandlers } from '../../../entrypoints/background/handlers';
import type { IngestRow } from '../../../lib/rpc/protocol';
import { VaultRefusal } from '../../../lib/rpc/router';
import { type IngestInput, type IngestResult, type Vault, VaultError } from '../../../lib/vault';

const row = (n: number, text = `SOTTO1.row${n}.`): IngestRow => ({
  rowId: `row-${n}`,
  direction: 'in',
  text,
});

/** A vault that answers `ingest` from a script and records what it was asked, in order. */
function scriptedVault(answer: (input: IngestInput) => IngestResult) {
  const asked: IngestInput[] = [];
  const vault = {
    ingest: async (input: IngestInput) => {
      asked.push(input);
      return answer(input);
    },
  } as unknown as Vault;
  return { vault, asked };
}

const ingestRows = (vault: Vault, rows: IngestRow[]) => {
  const handlers = createHandlers(Promise.resolve(vault), {
    presenceStatus: () => 'offline',
  } as never);
  const handler = handlers['message.ingestRows'];
  if (!handler) throw new Error('no message.ingestRows handler');
  return handler({ conversationId: '1001-1002', partner: 'bob', rows }, {} as never);
};

describe('message.ingestRows', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    // The fake browser has no manifest; the handlers read only its version.
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
      manifest_version: 3,
      name: 'Sotto',
      version: '0.0.0',
    });
  });

  test('answers every row, in order, each as the vault answered it alone', async () => {
    const { vault, asked } = scriptedVault(({ rowId }) =>
      rowId === 'row-2'
        ? { kind: 'not-sotto' }
        : ({
            kind: 'message',
            messageId: rowId.replace('row-', 'a'.repeat(63)),
            state: 'decrypted',
          } as IngestResult),
    );
    const answers = await ingestRows(vault, [row(1), row(2), row(3)]);
    expect(
      asked.map((input) => [input.conversationId, input.partner, input.rowId, input.text]),
    ).toEqual([
      ['1001-1002', 'bob', 'row-1', 'SOTTO1.row1.'],
      ['1001-1002', 'bob', 'row-2', 'SOTTO1.row2.'],
      ['1001-1002', 'bob', 'row-3', 'SOTTO1.row3.'],
    ]);
    expect(answers).toEqual([
      { ok: true, value: { kind: 'message', messageId: `${'a'.repeat(63)}1`, state: 'decrypted' } },
      { ok: true, value: { kind: 'not-sotto' } },
      { ok: true, value: { kind: 'message', messageId: `${'a'.repeat(63)}3`, state: 'decrypted' } },
    ]);
  });

  test('a row the vault refuses does not spoil the rows after it', async () => {
    const { vault } = scriptedVault(({ rowId }) => {
      if (rowId === 'row-1') throw new VaultError('BAD_INPUT');
      return { kind: 'not-sotto' };
    });
    expect(await ingestRows(vault, [row(1), row(2)])).toEqual([
      { ok: false, code: 'BAD_INPUT' },
      { ok: true, value: { kind: 'not-sotto' } },
    ]);
  });

  test('a locked vault refuses the whole request', async () => {
    const { vault, asked } = scriptedVault(() => {
      throw new VaultError('LOCKED');
    });
    const refused = await Promise.resolve()
      .then(() => ingestRows(vault, [row(1), row(2)]))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VaultRefusal);
    expect((refused as VaultRefusal).error.code).toBe('LOCKED');
    expect(asked).toHaveLength(1);
  });

  test('tells extension pages once when a row can change what compose offers', async () => {
    const sent = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    const { vault } = scriptedVault(
      ({ rowId }) =>
        ({
          kind: 'message',
          messageId: 'b'.repeat(64),
          state: rowId === 'row-3' ? 'decrypted' : 'invite',
        }) as IngestResult,
    );
    await ingestRows(vault, [row(1), row(2), row(3)]);
    expect(sent).toHaveBeenCalledTimes(1);
    expect(sent).toHaveBeenCalledWith({ sottoEvent: 'vault.changed', conversationId: '1001-1002' });
    sent.mockClear();
    await ingestRows(scriptedVault(() => ({ kind: 'not-sotto' })).vault, [row(4)]);
    expect(sent).not.toHaveBeenCalled();
  });
});

import { useEffect, useRef } from 'preact/hooks';
import { useFrameLayout } from '@/components/useFrameLayout';
import { useVaultRequest } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import { postToHost } from '@/lib/rpc/frame';

export interface ComposeAppProps {
  /** The x.com origin that embeds this frame (already checked against our host list). */
  hostOrigin: string;
}

/** The secure compose frame: the user types here, where the host page cannot read. */
export default function ComposeApp({ hostOrigin }: ComposeAppProps) {
  const status = useVaultRequest('status', {});
  const input = useRef<HTMLTextAreaElement>(null);
  useFrameLayout(hostOrigin, status.phase === 'ready');

  useEffect(() => {
    const focusInput = () => input.current?.focus();
    focusInput();
    window.addEventListener('focus', focusInput);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') postToHost({ type: 'close' }, hostOrigin);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('focus', focusInput);
      window.removeEventListener('keydown', onKey);
    };
  }, [hostOrigin]);

  return (
    <main class="compose">
      <label for="plaintext" class="visually-hidden">
        Encrypted message
      </label>
      <textarea
        id="plaintext"
        ref={input}
        data-sotto="plaintext"
        rows={3}
        placeholder="Write an encrypted message"
      />
      <div class="row">
        <VaultStatusLine status={status} />
        <button type="button" data-sotto="send" disabled title="Sending arrives with encryption">
          Send
        </button>
      </div>
    </main>
  );
}

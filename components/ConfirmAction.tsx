import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '@/lib/i18n';

export interface ConfirmActionProps {
  /** The button that starts it, e.g. "Remove contact". */
  label: string;
  /** What will happen, shown before the user confirms. */
  question: string;
  /** The confirming button, e.g. "Remove". */
  confirmLabel: string;
  /** `data-sotto` names for the start and confirm buttons. */
  name: string;
  confirmName: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
}

/**
 * A destructive action behind a second, explicit step. Focus goes to Cancel when the question
 * appears (a stray Enter does nothing harmful) and back to the start button when it closes.
 */
export default function ConfirmAction(props: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) cancelRef.current?.focus();
    else if (wasAsking.current) startRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={startRef}
        type="button"
        class="danger"
        data-sotto={props.name}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <fieldset
      class="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <legend>{props.question}</legend>
      <div class="row start">
        <button
          type="button"
          class="danger"
          data-sotto={props.confirmName}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onConfirm();
            } finally {
              setBusy(false);
              setAsking(false);
            }
          }}
        >
          {props.confirmLabel}
        </button>
        <button
          ref={cancelRef}
          type="button"
          class="secondary"
          data-sotto={`${props.name}-cancel`}
          onClick={() => setAsking(false)}
        >
          {t('cancel')}
        </button>
      </div>
    </fieldset>
  );
}

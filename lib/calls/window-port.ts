/**
 * A call window's port to the background: open while its call is live (so other rings get
 * "busy"), and the ringing window's progress, so the background can answer for a ringing
 * window that closed before it could answer itself — and tell a ringing window that its caller
 * gave up (the window itself has no connection to the caller before Accept).
 */
export const CALL_WINDOW_PORT = 'sotto-call';

export type CallWindowReport =
  /** A ringing window says which call it rings for. */
  | { t: 'ringing'; callId: string }
  /** Its person accepted: the call's own connection takes it from here. */
  | { t: 'accepted' }
  /** The window ended the call itself and told the other side. */
  | { t: 'finished' };

/** Background → ringing window: the caller stopped calling before an answer. */
export type CallWindowCommand = { t: 'cancel' };

export function readCallWindowCommand(message: unknown): CallWindowCommand | null {
  if (typeof message !== 'object' || message === null) return null;
  return (message as Record<string, unknown>).t === 'cancel' ? { t: 'cancel' } : null;
}

export function readCallWindowReport(message: unknown): CallWindowReport | null {
  if (typeof message !== 'object' || message === null) return null;
  const fields = message as Record<string, unknown>;
  if (
    fields.t === 'ringing' &&
    typeof fields.callId === 'string' &&
    /^[0-9a-f]{32}$/.test(fields.callId)
  ) {
    return { t: 'ringing', callId: fields.callId };
  }
  if (fields.t === 'accepted' || fields.t === 'finished') return { t: fields.t };
  return null;
}

/**
 * Follows one window's reports; `abandoned()` says, once its port is gone, which ringing call
 * was left without an answer (the window closed, crashed, or the browser quit it).
 */
export class CallWindowTracker {
  #callId: string | null = null;
  #answered = false;

  report(message: unknown): void {
    const report = readCallWindowReport(message);
    if (report?.t === 'ringing') this.#callId = report.callId;
    else if (report) this.#answered = true;
  }

  /** The call this window rings for while its person has not answered (else null). */
  ringing(): string | null {
    return this.#answered ? null : this.#callId;
  }

  abandoned(): string | null {
    return this.ringing();
  }
}

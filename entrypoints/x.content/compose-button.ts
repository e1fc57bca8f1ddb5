import type { LocationWatcher } from '@/lib/dom/location';
import { observeElements } from '@/lib/dom/observe';
import { t } from '@/lib/i18n';
import { readConversation } from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { onComposeRequest } from './compose-request';
import { createExtensionFrame } from './frames';
import { onInviteRequest, takeInviteRequest } from './invite-intent';

const SUPPORTED_LABEL = t('xComposeButton');
const UNSUPPORTED_LABEL = t('xComposeButtonGroup');

const BUTTON_CSS = `
:host { all: initial; display: inline-flex; align-items: center; flex: none; }
button {
  display: inline-flex; align-items: center; justify-content: center;
  width: 34px; height: 34px; margin: 0 4px; padding: 0; border: 0; border-radius: 999px;
  background: transparent; color: rgb(29, 155, 240); cursor: pointer;
}
button:hover { background: rgba(29, 155, 240, 0.1); }
button:focus-visible { outline: 2px solid rgb(29, 155, 240); outline-offset: 1px; }
button[aria-disabled="true"] { color: rgb(113, 118, 123); cursor: not-allowed; }
svg { width: 20px; height: 20px; fill: currentColor; }
`;

// A padlock (drawn for Sotto; no external assets so nothing is fetched from the page).
const LOCK_PATH =
  'M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3H9zm3 3.5a1.5 1.5 0 0 1 .75 2.8V18h-1.5v-1.7A1.5 1.5 0 0 1 12 13.5z';

function createButtonHost(label: string): { host: HTMLElement; button: HTMLButtonElement } {
  const host = document.createElement('sotto-compose-button');
  host.dataset.sotto = 'compose-button';
  // Closed: the page cannot reach the button inside or script its handlers.
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = BUTTON_CSS;
  const button = document.createElement('button');
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', LOCK_PATH);
  svg.append(path);
  button.append(svg);
  shadow.append(style, button);
  return { host, button };
}

/**
 * The lock button in X's composer. It opens the secure compose frame; it never reads or
 * writes X's textarea itself. Clicks must be trusted (a real user), since the page can
 * synthesise events on our host element.
 */
export function initComposeButton(
  root: ShadowRoot | Element,
  navigation: LocationWatcher,
  vaultState: 'connected' | 'unavailable',
  signal: AbortSignal,
): void {
  observeElements<HTMLFormElement>(
    root,
    X_SELECTORS.composerForm,
    (form, formSignal) => {
      const { host, button } = createButtonHost(SUPPORTED_LABEL);
      host.dataset.sottoVault = vaultState;
      // Groups (and ids the adapter cannot classify) are not encrypted yet: the button says
      // so instead of pretending; the frame it opens explains.
      const describe = (): void => {
        const kind = readConversation(root)?.kind;
        const supported = kind === 'direct';
        host.dataset.sottoState = supported ? 'ready' : 'unsupported';
        button.setAttribute('aria-disabled', String(!supported));
        const label = supported ? SUPPORTED_LABEL : UNSUPPORTED_LABEL;
        button.title = label;
        button.setAttribute('aria-label', label);
      };
      describe();
      navigation.addEventListener('change', describe, { signal: formSignal });
      let frame: HTMLIFrameElement | null = null;
      let frameSignal: AbortController | null = null;

      const closeFrame = (): void => {
        frameSignal?.abort();
        frame?.remove();
        frame = null;
        button.setAttribute('aria-expanded', 'false');
      };

      const openFrame = (intent: 'write' | 'invite' = 'write'): void => {
        const conversation = readConversation(root);
        if (!conversation) return;
        frameSignal = new AbortController();
        frame = createExtensionFrame(
          'compose.html',
          'compose-frame',
          {
            conversation: conversation.conversationId,
            kind: conversation.kind,
            partner: conversation.partner ?? '',
            intent,
          },
          AbortSignal.any([frameSignal.signal, formSignal]),
          {
            // Move focus into the frame so the user can type at once; a cross-origin frame
            // may not take focus by itself.
            onReady: (ready) => ready.focus(),
            onClose: () => {
              closeFrame();
              button.focus();
            },
          },
          160,
        );
        form.before(frame);
        button.setAttribute('aria-expanded', 'true');
      };

      button.addEventListener(
        'click',
        (event) => {
          if (!event.isTrusted) return;
          if (frame) closeFrame();
          else openFrame();
        },
        { signal: formSignal },
      );

      // A compose frame belongs to one conversation: close it when the user moves on.
      navigation.addEventListener('change', closeFrame, { signal: formSignal });

      // The popup's "Write encrypted message" for this conversation: open (or keep) the frame.
      onComposeRequest(
        () => {
          const conversation = readConversation(root);
          return conversation?.kind === 'direct' ? conversation.partner : null;
        },
        () => {
          if (!frame) openFrame();
        },
        formSignal,
      );

      // A call button asked for an encrypted chat with this person: open with the invitation.
      const answerInviteRequest = (): void => {
        const conversation = readConversation(root);
        if (conversation?.kind !== 'direct' || !takeInviteRequest(conversation.partner)) return;
        closeFrame();
        openFrame('invite');
      };
      navigation.addEventListener('change', answerInviteRequest, { signal: formSignal });
      onInviteRequest(answerInviteRequest, formSignal);
      // X may render the header (who this conversation is with) after the composer.
      observeElements(
        root,
        `${X_SELECTORS.conversationHeader} a[href]`,
        answerInviteRequest,
        formSignal,
      );

      // Beside X's textarea, where users look for composer actions; the form's start if the
      // textarea is not where we expect.
      const textarea = form.querySelector(X_SELECTORS.composerTextarea);
      if (textarea?.parentElement) textarea.before(host);
      else form.prepend(host);
      formSignal.addEventListener('abort', () => {
        closeFrame();
        host.remove();
      });
      answerInviteRequest();
    },
    signal,
  );
}

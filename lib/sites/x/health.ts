/**
 * Whether x.com still looks the way Sotto expects. X changes its markup without notice; when
 * a selector stops matching, Sotto says so ("Sotto can't find X's chat composer") instead of
 * silently doing nothing. Pure over a DOM root and a URL, so unit tests feed it markup.
 */
import { type MessageKey, type UserText, userText } from '../../i18n/user-text';
import { parseRoute } from './routes';
import { X_SELECTORS } from './selectors';

/** A part of X's chat that Sotto needs and could not find. */
export type MissingPart = 'composer' | 'composer-textarea' | 'message-list' | 'conversation-header';

export type ChatHealth =
  | { state: 'healthy' }
  /** Nothing to judge yet: not a conversation, or X has not rendered the conversation panel. */
  | { state: 'not-applicable' }
  | { state: 'degraded'; missing: MissingPart[]; text: UserText };

/** What each missing part means to the user, and what to do about it. */
const CONSEQUENCE: Record<MissingPart, MessageKey> = {
  composer: 'xHealthComposer',
  'composer-textarea': 'xHealthComposerTextarea',
  'message-list': 'xHealthMessageList',
  'conversation-header': 'xHealthConversationHeader',
};

/**
 * Checks a chat root (the shadow root under `xchatEmbedRoute`) on a conversation URL. Judged
 * only once X shows the conversation panel with at least one part Sotto knows: before that,
 * nothing is missing yet. (If X renamed every part at once, the compose button's absence is
 * the symptom; there is nothing left to anchor a notice to.)
 */
export function assessChat(root: ParentNode, href: string): ChatHealth {
  const route = parseRoute(href);
  if (route.kind !== 'chat-conversation') return { state: 'not-applicable' };
  const panel = root.querySelector(X_SELECTORS.conversationPanel);
  if (!panel) return { state: 'not-applicable' };
  // X's own "conversation not found" page is a panel with none of the parts: nothing to judge.
  const known = [
    X_SELECTORS.composerForm,
    X_SELECTORS.composerTextarea,
    X_SELECTORS.messageList,
    X_SELECTORS.conversationHeader,
  ];
  if (!known.some((selector) => panel.querySelector(selector))) return { state: 'not-applicable' };
  const missing: MissingPart[] = [];
  const form = panel.querySelector(X_SELECTORS.composerForm);
  if (!form) missing.push('composer');
  else if (!form.querySelector(X_SELECTORS.composerTextarea)) missing.push('composer-textarea');
  if (!panel.querySelector(X_SELECTORS.messageList)) missing.push('message-list');
  if (route.conversation === 'direct') {
    const header = panel.querySelector(X_SELECTORS.conversationHeader);
    if (!header) missing.push('conversation-header');
  }
  if (missing.length === 0) return { state: 'healthy' };
  return { state: 'degraded', missing, text: userText(CONSEQUENCE[missing[0]!]) };
}

/**
 * A compose or reader frame is bound to the conversation of the tab it is shown in. x.com can
 * embed the frames itself, with any URL parameters it likes (another conversation's id,
 * another conversation's message ids), so the binding comes from where the browser says the
 * frame is, never from what the frame was told.
 */
import { parseRoute } from '../sites/x/routes';
import type { CallContext } from './router';

/** The conversation a frame's requests may concern, or null (none: refuse them all). */
export function frameConversation(context: Pick<CallContext, 'tabUrl'>): string | null {
  if (!context.tabUrl) return null;
  const route = parseRoute(context.tabUrl);
  return route.kind === 'chat-conversation' ? route.conversationId : null;
}

/**
 * Whether a request about `conversationId` may be served: anything for an extension page that
 * x.com cannot embed, only the tab's own conversation for a frame, nothing for anyone else.
 */
export function mayConcern(
  context: Pick<CallContext, 'caller' | 'tabUrl'>,
  conversationId: string,
): boolean {
  if (context.caller === 'page') return true;
  return context.caller === 'frame' && frameConversation(context) === conversationId;
}

/**
 * Every x.com selector Sotto relies on, in one place (see ../shared/design/X-DOM.md).
 * x.com changes without notice: when one of these stops matching, the adapter reports an
 * unhealthy state instead of guessing. Never loaded or patched at run time.
 */
export const X_SELECTORS = {
  /** Host of the chat route; its open shadow root holds the whole chat UI. */
  chatEmbedRoute: '[data-testid="xchatEmbedRoute"]',
  conversationPanel: 'section[data-testid="dm-conversation-panel"]',
  conversationHeader: '[data-testid="dm-conversation-header"]',
  /** The scrolling element around the message list. */
  messageScroller: '[data-testid="dm-message-scroller"]',
  messageList: '[data-testid="dm-message-list"]',
  messageRow: '[data-dm-message-row]',
  /** The conversation list (inbox) beside the open conversation. */
  inboxPanel: '[data-testid="dm-inbox-panel"]',
  /** One conversation in the inbox (`dm-conversation-item-<uid>:<uid>`), with its preview. */
  inboxItem: '[data-testid^="dm-conversation-item-"]',
  composerForm: 'form[data-testid="dm-composer-form"]',
  composerTextarea: 'textarea[data-testid="dm-composer-textarea"]',
  composerSendButton: 'button[data-testid="dm-composer-send-button"]',
  /** Left navigation: the signed-in user's profile link. */
  ownProfileLink: 'a[data-testid="AppTabBar_Profile_Link"]',
  accountSwitcher: '[data-testid="SideNav_AccountSwitcher_Button"]',
  primaryColumn: '[data-testid="primaryColumn"]',
  /** Profile action row: X's Message button (absent on one's own profile). */
  profileMessageButton: 'button[data-testid="sendDMFromProfile"]',
  /** Profile header: display name and the "@handle" text, to cross-check the URL. */
  profileUserName: '[data-testid="UserName"]',
} as const;

/** Prefix of `data-testid` on the element that wraps a message's text. */
export const MESSAGE_TEXT_TESTID_PREFIX = 'message-text-';
/** X marks the user's own rows by aligning them to the end. */
export const OWN_ROW_CLASS = 'justify-end';

// Who may send the background's internal messages (the offscreen listener's restart/decline).
import { describe, expect, test } from 'vitest';
import { isInternalSender } from '../../../lib/rpc/internal-sender';

const EXT = { id: 'sotto-id', baseUrl: 'chrome-extension://sotto-id/' };
const base = EXT.baseUrl;

describe('isInternalSender', () => {
  test('the background worker and tabless extension pages are accepted', () => {
    expect(isInternalSender({ id: EXT.id, url: `${base}background.js` }, EXT)).toBe(true);
    expect(isInternalSender({ id: EXT.id, url: `${base}popup.html` }, EXT)).toBe(true);
    expect(isInternalSender({ id: EXT.id, url: `${base}offscreen.html` }, EXT)).toBe(true);
  });

  test('a top-level extension page in its own tab is accepted', () => {
    expect(
      isInternalSender(
        {
          id: EXT.id,
          url: `${base}call.html#x`,
          tab: { id: 4, url: `${base}call.html#x` },
          frameId: 0,
        },
        EXT,
      ),
    ).toBe(true);
    // Without the tab's URL (no "tabs" permission) the top frame's own URL decides.
    expect(
      isInternalSender({ id: EXT.id, url: `${base}options.html`, tab: { id: 4 }, frameId: 0 }, EXT),
    ).toBe(true);
  });

  test('a content script on x.com is refused, though it has our extension id', () => {
    expect(
      isInternalSender(
        {
          id: EXT.id,
          url: 'https://x.com/messages/1-2',
          tab: { id: 3, url: 'https://x.com/' },
          frameId: 0,
        },
        EXT,
      ),
    ).toBe(false);
    // A web page naming our base URL in its query does not pass for one of ours.
    expect(
      isInternalSender(
        { id: EXT.id, url: `https://x.com/?u=${base}`, tab: { id: 3 }, frameId: 0 },
        EXT,
      ),
    ).toBe(false);
  });

  test('our frames inside a web page are refused', () => {
    for (const page of ['compose.html', 'reader.html?id=1', 'reader.html#r']) {
      expect(
        isInternalSender({ id: EXT.id, url: `${base}${page}`, tab: { id: 3 }, frameId: 7 }, EXT),
      ).toBe(false);
      // The frame pages are refused by name even if the browser reports no tab.
      expect(isInternalSender({ id: EXT.id, url: `${base}${page}` }, EXT)).toBe(false);
    }
    // Any other extension page framed by a site (a sub-frame, or a tab showing the site).
    expect(
      isInternalSender({ id: EXT.id, url: `${base}popup.html`, tab: { id: 3 }, frameId: 2 }, EXT),
    ).toBe(false);
    expect(
      isInternalSender(
        { id: EXT.id, url: `${base}popup.html`, tab: { id: 3, url: 'https://x.com/' }, frameId: 0 },
        EXT,
      ),
    ).toBe(false);
  });

  test('another extension, or a sender without id or url, is refused', () => {
    expect(isInternalSender({ id: 'other', url: 'chrome-extension://other/bg.js' }, EXT)).toBe(
      false,
    );
    expect(isInternalSender({ id: 'other', url: `${base}background.js` }, EXT)).toBe(false);
    expect(isInternalSender({ url: `${base}background.js` }, EXT)).toBe(false);
    expect(isInternalSender({ id: EXT.id }, EXT)).toBe(false);
    expect(isInternalSender({ id: EXT.id, url: `${base}x` }, { id: EXT.id, baseUrl: '' })).toBe(
      false,
    );
  });
});

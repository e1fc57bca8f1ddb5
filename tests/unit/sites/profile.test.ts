import { parseHTML } from 'linkedom';
import { describe, expect, test } from 'vitest';
import { readOwnHandle, readProfileActions } from '../../../lib/sites/x/profile';

/** A page shaped like X's profile (X-DOM.md): left navigation, header, action row. */
function page({ own = 'alice', shown = 'bob', message = true } = {}) {
  const { document } = parseHTML(`<html><body>
    <nav><a data-testid="AppTabBar_Profile_Link" href="/${own}">Profile</a></nav>
    <div data-testid="primaryColumn">
      <div>${message ? '<button data-testid="sendDMFromProfile" aria-label="Message"></button>' : ''}</div>
      <div data-testid="UserName"><span>Bob</span><span>@${shown}</span></div>
    </div></body></html>`);
  return {
    document,
    button: document.querySelector('[data-testid="sendDMFromProfile"]') as HTMLButtonElement,
  };
}

describe('profile pages', () => {
  test("someone else's profile: their handle and X's Message button", () => {
    const { document, button } = page();
    expect(readProfileActions(button, 'https://x.com/bob', document)).toEqual({
      handle: 'bob',
      messageButton: button,
    });
    // A profile tab is still the profile; handles compare without case.
    expect(readProfileActions(button, 'https://x.com/Bob/media', document)?.handle).toBe('Bob');
  });

  test("one's own profile, another page, or a header that disagrees with the URL: nothing", () => {
    const { document, button } = page({ own: 'bob' });
    expect(readProfileActions(button, 'https://x.com/bob', document)).toBeNull();
    const other = page();
    expect(readProfileActions(other.button, 'https://x.com/home', other.document)).toBeNull();
    expect(
      readProfileActions(other.button, 'https://x.com/bob/status/1', other.document),
    ).toBeNull();
    // Mid-navigation X may still show the previous account's header.
    const stale = page({ shown: 'carol' });
    expect(readProfileActions(stale.button, 'https://x.com/bob', stale.document)).toBeNull();
  });

  test('the signed-in handle, from the navigation or else the account switcher', () => {
    expect(readOwnHandle(page({ own: 'alice' }).document)).toBe('alice');
    const { document } = parseHTML(
      '<div data-testid="SideNav_AccountSwitcher_Button"><span>Alice</span><span>@alice_2</span></div>',
    );
    expect(readOwnHandle(document)).toBe('alice_2');
    expect(readOwnHandle(parseHTML('<div></div>').document)).toBeNull();
  });
});

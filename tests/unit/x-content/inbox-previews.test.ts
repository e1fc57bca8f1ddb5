import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, test, vi } from 'vitest';

vi.mock('wxt/browser', async () => {
  const english = (await import('../../../public/_locales/en/messages.json')).default as Record<
    string,
    { message: string }
  >;
  return { browser: { i18n: { getMessage: (key: string) => english[key]?.message ?? '' } } };
});

// The adapter reads HTMLTextAreaElement's value setter when loaded (a browser global).
vi.stubGlobal('HTMLTextAreaElement', parseHTML('<html></html>').window.HTMLTextAreaElement);
const { refreshInboxItem } = await import('../../../entrypoints/x.content/inbox-previews');

const { alice, split, messages } = JSON.parse(
  readFileSync(join(__dirname, '../../vectors/sotto-v1.json'), 'utf8'),
) as {
  alice: { invite: string };
  messages: { envelope: string }[];
  split: { parts: string[] };
};
const envelope = messages[1]!.envelope;
const invite = alice.invite;

/** An inbox item shaped like the fixture's (X-DOM.md): name, handle, time, preview. */
function item(preview: string) {
  const { document } = parseHTML(`<html><body>
    <div data-testid="dm-conversation-item-1001:1002"><a href="/i/chat/1001-1002">
      <div class="item-body">
        <div class="item-top"><span class="name">Bob</span><span class="muted">@bob</span></div>
        <div class="preview"></div>
      </div>
    </a></div></body></html>`);
  const root = document.querySelector('[data-testid^="dm-conversation-item-"]')!;
  const previewElement = root.querySelector<HTMLElement>('.preview')!;
  previewElement.textContent = preview;
  return { root, preview: previewElement };
}

const labels = (root: Element) => [...root.querySelectorAll('[data-sotto="preview-label"]')];

describe('refreshInboxItem', () => {
  test('an envelope preview is hidden (not changed) and a label follows it, styled alike', () => {
    const { root, preview } = item(`You: ${envelope}`);
    refreshInboxItem(root);
    expect(preview.textContent).toBe(`You: ${envelope}`);
    expect(preview.style.getPropertyValue('display')).toBe('none');
    expect(preview.hasAttribute('data-sotto-preview')).toBe(true);
    const [label, more] = labels(root);
    expect(more).toBeUndefined();
    expect(preview.nextElementSibling).toBe(label);
    expect(label!.className).toBe('preview');
    expect(label!.textContent).not.toContain('SOTTO');
    expect(label!.textContent).toBe('🔒 Encrypted message (Sotto)');
  });

  test('an invitation says so', () => {
    const { root } = item(invite);
    refreshInboxItem(root);
    expect(labels(root).map((label) => label.textContent)).toEqual([
      '🔒 Invitation to encrypted messages (Sotto)',
    ]);
  });

  test('a plain preview, and the name and handle, stay as X shows them', () => {
    const { root, preview } = item('see you at tea');
    refreshInboxItem(root);
    expect(labels(root)).toEqual([]);
    expect(preview.getAttribute('style')).toBeNull();
    expect(root.querySelector('.name')!.getAttribute('style')).toBeNull();
  });

  test('again and again: one label; a new envelope keeps it, plain text brings X back', () => {
    const { root, preview } = item(envelope);
    refreshInboxItem(root);
    refreshInboxItem(root);
    expect(labels(root)).toHaveLength(1);
    // React updates its text node; the label stays (a part reads as a message too).
    preview.firstChild!.nodeValue = split.parts[2]!;
    refreshInboxItem(root);
    expect(labels(root)).toHaveLength(1);
    preview.firstChild!.nodeValue = 'plain again';
    refreshInboxItem(root);
    expect(labels(root)).toEqual([]);
    expect(preview.hasAttribute('data-sotto-preview')).toBe(false);
    expect(preview.style.getPropertyValue('display')).toBe('');
  });

  test('a label whose element X removed goes with it', () => {
    const { root, preview } = item(envelope);
    refreshInboxItem(root);
    preview.remove();
    refreshInboxItem(root);
    expect(labels(root)).toEqual([]);
  });
});

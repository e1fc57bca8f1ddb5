/** X's theme, from the page background: frames match it so they do not stand out. */
export function readTheme(): 'light' | 'dark' {
  const color = getComputedStyle(document.body).backgroundColor;
  const [r = 255, g = 255, b = 255] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  // Relative luminance, roughly; X's "dim" and "lights out" are both far below the middle.
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

/**
 * Calls `onChange` when X switches between light and dark without a reload (its display
 * settings restyle the root and body). Observes those two elements' attributes only.
 */
export function watchTheme(onChange: (theme: 'light' | 'dark') => void, signal: AbortSignal): void {
  let current = readTheme();
  const observer = new MutationObserver(() => {
    const next = readTheme();
    if (next === current) return;
    current = next;
    onChange(next);
  });
  const options = { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] };
  observer.observe(document.documentElement, options);
  if (document.body) observer.observe(document.body, options);
  signal.addEventListener('abort', () => observer.disconnect());
}

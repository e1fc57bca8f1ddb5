/** X's theme, from the page background: frames match it so they do not stand out. */
export function readTheme(): 'light' | 'dark' {
  const color = getComputedStyle(document.body).backgroundColor;
  const [r = 255, g = 255, b = 255] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  // Relative luminance, roughly; X's "dim" and "lights out" are both far below the middle.
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light';
}

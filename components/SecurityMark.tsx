import { useEffect, useRef, useState } from 'preact/hooks';
import { MARK_COLORS, type SecurityMark as Mark, type MarkColor } from '@/lib/config/security-mark';
import { type MessageKey, t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import { onVaultLocked } from '@/lib/rpc/events';

/** Each palette colour's name, for the mark's label and the picker. */
export const MARK_COLOR_NAMES: Record<MarkColor, MessageKey> = {
  red: 'markColorRed',
  orange: 'markColorOrange',
  yellow: 'markColorYellow',
  green: 'markColorGreen',
  teal: 'markColorTeal',
  blue: 'markColorBlue',
  purple: 'markColorPurple',
  pink: 'markColorPink',
};

/** What a screen reader says for a mark: "Your Sotto mark: teal, 🦊 🌵 🚲". */
export function markLabel(mark: Mark): string {
  return t('markLabel', t(MARK_COLOR_NAMES[mark.color]), mark.emoji.join(' '));
}

export interface SecurityMarkProps {
  /** Nothing is shown without one: no placeholder the page could imitate. */
  mark: Mark | null;
  /** The `data-sotto` name (a picker's preview is not the saved mark). */
  name?: string;
  class?: string;
}

/**
 * The user's security mark: a ring and dot in their colour around their three emoji. Every
 * Sotto surface shows it; x.com cannot read it, so a "Sotto" box without it is the page's.
 */
export default function SecurityMark({
  mark,
  name = 'security-mark',
  class: className,
}: SecurityMarkProps) {
  if (!mark) return null;
  const label = markLabel(mark);
  return (
    <span
      class={className ? `security-mark ${className}` : 'security-mark'}
      role="img"
      aria-label={label}
      title={label}
      data-sotto={name}
      data-sotto-color={mark.color}
      style={{ '--mark-color': MARK_COLORS[mark.color] }}
    >
      <span class="security-mark-dot" aria-hidden="true" />
      <span class="security-mark-emoji" aria-hidden="true">
        {mark.emoji.join('')}
      </span>
    </span>
  );
}

/**
 * The user's mark, asked of the vault once when the component mounts (and once more whenever
 * `active` turns true again). Locking hides it (the vault's broadcast); a page that got no mark
 * (locked) asks again the next time it gets focus.
 */
export function useSecurityMark(active = true): Mark | null {
  const [mark, setMark] = useState<Mark | null>(null);
  const [generation, setGeneration] = useState(0);
  const missing = useRef(false);

  useEffect(() => {
    if (!active) {
      setMark(null);
      return;
    }
    let live = true;
    // Asked again when `generation` moves on (a retry after a refusal).
    void generation;
    void callVault('mark.get', {}).then((result) => {
      if (!live) return;
      setMark(result.ok ? result.value : null);
      missing.current = !result.ok;
    });
    return () => {
      live = false;
    };
  }, [active, generation]);

  useEffect(() => {
    const stop = onVaultLocked(() => {
      setMark(null);
      missing.current = true;
    });
    const retry = () => {
      if (!missing.current) return;
      missing.current = false;
      setGeneration((n) => n + 1);
    };
    window.addEventListener('focus', retry);
    return () => {
      stop();
      window.removeEventListener('focus', retry);
    };
  }, []);

  return mark;
}

import { useEffect, useState } from 'preact/hooks';
import ErrorText from '@/components/ErrorText';
import SecurityMark, { MARK_COLOR_NAMES } from '@/components/SecurityMark';
import {
  MARK_COLOR_IDS,
  MARK_COLORS,
  MARK_EMOJI,
  type SecurityMark as Mark,
  type MarkEmoji,
  randomSecurityMark,
  sameMark,
} from '@/lib/config/security-mark';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';

const pageRandom = (length: number) => crypto.getRandomValues(new Uint8Array(length));

const SLOTS = [0, 1, 2] as const;

/** Puts `emoji` in slot `slot`; if another slot had it, that slot takes the one it replaces. */
function withEmoji(mark: Mark, slot: 0 | 1 | 2, emoji: MarkEmoji): Mark {
  const next: Mark['emoji'] = [...mark.emoji];
  const other = next.indexOf(emoji);
  if (other !== -1 && other !== slot) next[other] = next[slot];
  next[slot] = emoji;
  return { ...mark, emoji: next };
}

/**
 * Choose the security mark (Welcome and Settings): a colour, three emoji, a preview, Save.
 * The vault already holds a random mark, which is what the picker starts from.
 */
export default function SecurityMarkPicker() {
  const [saved, setSaved] = useState<Mark | null>(null);
  const [choice, setChoice] = useState<Mark | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [saving, setSaving] = useState(false);
  const [justSaved, setJustSaved] = useState(false);

  useEffect(() => {
    void callVault('mark.get', {}).then((result) => {
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setSaved(result.value);
      setChoice(result.value);
    });
  }, []);

  if (!choice) {
    return error ? (
      <ErrorText error={error} name="mark-error" />
    ) : (
      <p class="status" role="status">
        {t('loading')}
      </p>
    );
  }

  const change = (next: Mark) => {
    setChoice(next);
    setJustSaved(false);
  };
  const save = async () => {
    setSaving(true);
    const result = await callVault('mark.set', choice);
    setSaving(false);
    setError(result.ok ? null : result.error);
    if (result.ok) {
      setSaved(result.value);
      setJustSaved(true);
    }
  };
  const unsaved = !sameMark(saved, choice);

  return (
    <div class="stack mark-picker" data-sotto="mark-picker">
      <div class="mark-preview">
        <SecurityMark mark={choice} name="security-mark-preview" class="large" />
      </div>
      <fieldset class="mark-colors">
        <legend>{t('markColorLegend')}</legend>
        {MARK_COLOR_IDS.map((color) => (
          <label
            key={color}
            class="mark-color"
            data-sotto-color={color}
            style={{ '--mark-color': MARK_COLORS[color] }}
          >
            <input
              type="radio"
              name="mark-color"
              value={color}
              data-sotto="mark-color"
              checked={choice.color === color}
              onChange={() => change({ ...choice, color })}
            />
            <span class="security-mark-dot" aria-hidden="true" />
            {t(MARK_COLOR_NAMES[color])}
          </label>
        ))}
      </fieldset>
      <fieldset class="mark-emoji">
        <legend>{t('markEmojiLegend')}</legend>
        {SLOTS.map((slot) => (
          <label key={slot}>
            {t('markEmojiSlot', slot + 1)}
            <select
              data-sotto={`mark-emoji-${slot + 1}`}
              value={choice.emoji[slot]}
              onChange={(event) =>
                change(withEmoji(choice, slot, event.currentTarget.value as MarkEmoji))
              }
            >
              {MARK_EMOJI.map((emoji) => (
                <option key={emoji} value={emoji}>
                  {emoji}
                </option>
              ))}
            </select>
          </label>
        ))}
      </fieldset>
      <div class="row start">
        <button
          type="button"
          class="secondary"
          data-sotto="mark-shuffle"
          onClick={() => change(randomSecurityMark(pageRandom))}
        >
          {t('markShuffle')}
        </button>
        <button
          type="button"
          data-sotto="mark-save"
          disabled={saving || !unsaved}
          onClick={() => void save()}
        >
          {t('markSave')}
        </button>
      </div>
      <p
        class={justSaved ? 'status ok' : 'status'}
        role="status"
        data-sotto="mark-state"
        data-sotto-state={justSaved ? 'saved' : unsaved ? 'unsaved' : 'idle'}
      >
        {justSaved ? t('markSaved') : unsaved ? t('markUnsaved') : ''}
      </p>
      <ErrorText error={error} name="mark-error" />
    </div>
  );
}

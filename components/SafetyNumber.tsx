import { t } from '@/lib/i18n';
import QrCode from './QrCode';

export interface SafetyNumberProps {
  handle: string;
  digits: string;
  /** Show the QR code too (for comparing in person). */
  qr?: boolean;
}

/** Groups of five digits, as Signal shows safety numbers: easier to read aloud and compare. */
export function formatSafetyNumber(digits: string): string {
  return (digits.match(/\d{1,5}/g) ?? []).join(' ');
}

/** A contact's safety number as digits and, optionally, a QR code of the same digits. */
export default function SafetyNumber({ handle, digits, qr = false }: SafetyNumberProps) {
  const labelId = `safety-number-label-${handle}`;
  if (!digits) return <p class="status">{t('safetyNumberUnavailable')}</p>;
  return (
    <div class="safety-number">
      <p class="status" id={labelId}>
        {t('safetyNumberLabel')}
      </p>
      <p class="fingerprint" data-sotto="safety-number" aria-describedby={labelId}>
        {formatSafetyNumber(digits)}
      </p>
      {qr ? (
        <QrCode text={digits} label={t('safetyNumberQrLabel', handle)} name="safety-qr" />
      ) : null}
    </div>
  );
}

import { useMemo } from 'preact/hooks';
import encodeQR from 'qr';

export interface QrCodeProps {
  text: string;
  /** What the code says, for screen readers. */
  label: string;
  /** Rendered size in CSS pixels. */
  size?: number;
  name?: string;
}

/**
 * A QR code drawn as one SVG path of dark modules (no innerHTML, no image fetched). Always
 * dark on light with a quiet zone, whatever the theme: scanners need that contrast.
 */
export default function QrCode({ text, label, size = 192, name }: QrCodeProps) {
  const { path, modules } = useMemo(() => {
    const grid = encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
    const parts: string[] = [];
    grid.forEach((row, y) => {
      row.forEach((dark, x) => {
        if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
      });
    });
    return { path: parts.join(''), modules: grid.length };
  }, [text]);
  return (
    <svg
      class="qr"
      data-sotto={name}
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shape-rendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}

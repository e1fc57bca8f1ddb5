/** The sites Sotto runs on. One list for the manifest, the content script and frame checks. */
export const HOST_ORIGINS = ['https://x.com', 'https://twitter.com'] as const;

export type HostOrigin = (typeof HOST_ORIGINS)[number];

/** Match patterns for the manifest (content scripts, host permissions, web resources). */
export const HOST_MATCHES = HOST_ORIGINS.map((origin) => `${origin}/*`);

export function isHostOrigin(value: unknown): value is HostOrigin {
  return typeof value === 'string' && (HOST_ORIGINS as readonly string[]).includes(value);
}

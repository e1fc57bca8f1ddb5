import { translate } from '@/lib/i18n';
import type { RpcError } from '@/lib/rpc/errors';

export interface ErrorTextProps {
  /** A vault refusal (translated here), or a text already translated. */
  error: RpcError | string | null;
  /** A `data-sotto` name so tests can find this error. */
  name?: string;
  id?: string;
}

/** A failure, announced to screen readers as it appears; nothing when there is none. */
export default function ErrorText({ error, name, id }: ErrorTextProps) {
  if (!error) return null;
  return (
    <p class="status error" role="alert" data-sotto={name} id={id}>
      {typeof error === 'string' ? error : translate(error.text)}
    </p>
  );
}

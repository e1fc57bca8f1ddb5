import type { RequestInput, RequestType } from './protocol';

type Guard<K extends RequestType> = (input: unknown) => input is RequestInput<K>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): value is Record<string, never> {
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Shape checks for each request's input: the vault trusts nothing a caller sends. */
export const INPUT_GUARDS: { [K in RequestType]: Guard<K> } = {
  status: isEmpty,
  'content.hello': (input): input is RequestInput<'content.hello'> =>
    isRecord(input) && Object.keys(input).length === 1 && input.site === 'x',
  'settings.get': isEmpty,
};

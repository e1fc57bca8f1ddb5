import { parseSecurityMark } from '../config/security-mark';
import { isHandle } from '../sites/x/routes';
import { MAX_INGEST_ROWS, type RequestInput, type RequestType } from './protocol';

type Guard<K extends RequestType> = (input: unknown) => input is RequestInput<K>;

/** Longest plaintext a user may send in one message (characters). */
export const MAX_PLAINTEXT_LENGTH = 20_000;
/** Largest backup accepted over messaging (base64 characters, ~48 MiB of file). */
export const MAX_BACKUP_BASE64_LENGTH = 64 * 1024 * 1024;
/** Longest row text worth looking at for an envelope (X's own DM limit). */
export const MAX_ROW_TEXT_LENGTH = 10_000;

type Check = (value: unknown) => boolean;

const isString =
  (max: number): Check =>
  (value) =>
    typeof value === 'string' && value.length <= max;
const isId: Check = (value) => typeof value === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(value);
/** The vault's message ids: lowercase hex digests. */
const isMessageId: Check = (value) => typeof value === 'string' && /^[0-9a-f]{16,128}$/.test(value);
const isHandleString: Check = (value) => typeof value === 'string' && isHandle(value);
const isBool: Check = (value) => typeof value === 'boolean';
const oneOf =
  (...options: string[]): Check =>
  (value) =>
    typeof value === 'string' && options.includes(value);

/** An object with exactly these keys, each passing its check. */
function record(fields: Record<string, Check>): Check {
  const keys = Object.keys(fields);
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
    const value = input as Record<string, unknown>;
    const given = Object.keys(value);
    return (
      given.length === keys.length &&
      given.every((key) => Object.hasOwn(fields, key) && fields[key]!(value[key]))
    );
  };
}

/** A request input: an object with exactly these keys, each passing its check. */
function shape<K extends RequestType>(fields: Record<string, Check>): Guard<K> {
  const check = record(fields);
  return (input): input is RequestInput<K> => check(input);
}

const listOf =
  (item: Check, min: number, max: number): Check =>
  (value) =>
    Array.isArray(value) && value.length >= min && value.length <= max && value.every(item);

const conversation = { conversationId: isId, partner: isHandleString };

// Calls: ids are lib/calls' random hex; fingerprints as lib/calls/sdp.ts normalises them.
const isHex32: Check = (value) => typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
const isMedia = oneOf('audio', 'video');
const isTime: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isFingerprint: Check = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { algorithm, value: hex, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof algorithm === 'string' &&
    /^[a-z0-9-]{1,16}$/.test(algorithm) &&
    typeof hex === 'string' &&
    /^[0-9A-F]{2}(?::[0-9A-F]{2}){15,63}$/.test(hex)
  );
};

/**
 * A settings change: some of its known fields, each of the right kind. The values themselves
 * are checked by lib/config/settings, which can say what is wrong with them.
 */
const SETTINGS_FIELDS: Record<string, Check> = {
  signalingUrl: (value) => value === null || isString(2048)(value),
  iceServers: (value) => value === null || (Array.isArray(value) && value.length <= 64),
  doNotDisturb: isBool,
};
const settingsChange: Guard<'settings.set'> = (input): input is RequestInput<'settings.set'> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const entries = Object.entries(input);
  return (
    entries.length > 0 &&
    entries.every(
      ([key, value]) => Object.hasOwn(SETTINGS_FIELDS, key) && SETTINGS_FIELDS[key]!(value),
    )
  );
};

/** Shape checks for each request's input: the vault trusts nothing a caller sends. */
export const INPUT_GUARDS: { [K in RequestType]: Guard<K> } = {
  status: shape({}),
  'content.hello': shape({ site: oneOf('x') }),
  'message.ingestRows': shape({
    ...conversation,
    rows: listOf(
      record({
        rowId: isString(200),
        direction: oneOf('in', 'out'),
        text: isString(MAX_ROW_TEXT_LENGTH),
      }),
      1,
      MAX_INGEST_ROWS,
    ),
  }),
  'compose.target': shape(conversation),
  'call.target': shape({ handle: isHandleString }),
  'call.start': shape({ handle: isHandleString, media: oneOf('audio', 'video') }),
  'compose.send': shape({ ...conversation, text: isString(MAX_PLAINTEXT_LENGTH) }),
  'compose.invite': shape(conversation),
  'draft.get': shape({ conversationId: isId }),
  'draft.save': shape({ conversationId: isId, text: isString(MAX_PLAINTEXT_LENGTH) }),
  'message.get': shape({ messageId: isMessageId }),
  'conversation.messages': shape({
    conversationId: isId,
    limit: (value) => Number.isInteger(value) && (value as number) > 0 && (value as number) <= 1000,
  }),
  'invite.accept': shape({ messageId: isMessageId }),
  'decision.open': (input): input is RequestInput<'decision.open'> =>
    record({ kind: oneOf('accept-invite'), messageId: isMessageId })(input) ||
    record({
      kind: oneOf('key'),
      handle: isHandleString,
      conversationId: (value) => value === null || isId(value),
    })(input),
  'decision.get': shape({ id: isHex32 }),
  'decision.take': shape({ id: isHex32, choice: oneOf('confirm', 'keep', 'block') }),
  'identity.get': shape({}),
  'contact.get': shape({ handle: isHandleString }),
  'contact.verify': shape({ handle: isHandleString, verified: isBool }),
  'contact.approveKeyChange': shape({ handle: isHandleString }),
  'contact.list': shape({}),
  'contact.remove': shape({ handle: isHandleString }),
  'vault.unlock': shape({ passphrase: isString(1024) }),
  'vault.lock': shape({}),
  'vault.setPassphrase': shape({ passphrase: isString(1024) }),
  'vault.changePassphrase': shape({ current: isString(1024), next: isString(1024) }),
  'vault.removePassphrase': shape({ current: isString(1024) }),
  'vault.reset': shape({}),
  'backup.export': shape({ history: isBool }),
  'backup.import': shape({ file: isString(MAX_BACKUP_BASE64_LENGTH), recoveryKey: isString(200) }),
  'settings.get': shape({}),
  'settings.set': settingsChange,
  'mark.get': shape({}),
  'mark.set': (input): input is RequestInput<'mark.set'> => parseSecurityMark(input) !== null,
  'call.prepare': shape({ handle: isHandleString, media: isMedia, peerId: isHex32 }),
  'call.bind': shape({ callId: isHex32, own: isFingerprint, peer: isFingerprint }),
  'call.ring': shape({ ring: isString(400) }),
  'call.cancel': shape({ callId: isHex32 }),
  'call.incoming': shape({ callId: isHex32 }),
  'call.record': shape({
    id: isHex32,
    handle: isHandleString,
    direction: oneOf('in', 'out'),
    media: isMedia,
    startedAt: isTime,
    endedAt: (value) => value === null || isTime(value),
    outcome: oneOf('answered', 'missed', 'declined', 'failed', 'sas-mismatch'),
  }),
  'calls.log': shape({
    limit: (value) => Number.isInteger(value) && (value as number) > 0 && (value as number) <= 200,
  }),
  'presence.config': shape({}),
  'presence.status': shape({}),
};

/**
 * The user's call settings: what is stored, how a change is checked, and what takes effect.
 *
 * Only what the user changed is stored (in the vault, sealed, under `SETTINGS_RECORD_NAME`);
 * everything else follows the build defaults, so a rebuilt extension with new defaults
 * reaches users who never touched a setting. Pure: no browser API.
 */

import { type UserText, userText } from '../i18n/user-text';
import {
  type CallDefaults,
  type ConfigResult,
  type IceServer,
  parseIceServers,
  parseSignalingUrl,
} from './build-defaults';

/** The vault's settings record holding the user's overrides. */
export const SETTINGS_RECORD_NAME = 'user:settings';

/** Most ICE servers a user may configure (each one is tried by every call). */
export const MAX_ICE_SERVERS = 16;

/** The settings in effect: a superset of the build's call defaults. */
export interface CallSettings extends CallDefaults {
  /** Incoming calls are declined without ringing. */
  doNotDisturb: boolean;
}

/** What `settings.get` answers: the effective settings, and what they would fall back to. */
export interface SettingsView extends CallSettings {
  defaults: CallDefaults;
  /** Which values the user set (false: the build default is in effect). */
  custom: { signalingUrl: boolean; iceServers: boolean };
}

/** The stored overrides; an absent field means "the build default". */
export interface StoredSettings {
  signalingUrl?: string;
  iceServers?: IceServer[];
  doNotDisturb?: boolean;
}

/** A change from the options page: `null` returns a value to its build default. */
export interface SettingsChange {
  signalingUrl?: string | null;
  iceServers?: IceServer[] | null;
  doNotDisturb?: boolean;
}

/** Which setting a refused change was about, so the page can point at the field. */
export type SettingsField = 'signalingUrl' | 'iceServers' | 'doNotDisturb';

export type SettingsResult<T> =
  | { ok: true; value: T }
  | { ok: false; field: SettingsField; error: UserText };

function checkIceServers(value: unknown): ConfigResult<IceServer[]> {
  if (!Array.isArray(value)) return { ok: false, error: userText('configIceNotList') };
  if (value.length > MAX_ICE_SERVERS) {
    return { ok: false, error: userText('configIceTooMany', MAX_ICE_SERVERS) };
  }
  return parseIceServers(JSON.stringify(value));
}

/**
 * Reads a stored record. A field that no longer passes validation (a record written by an
 * older or tampered build) is dropped, so the build default takes its place.
 */
export function readStoredSettings(raw: unknown): StoredSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const record = raw as Record<string, unknown>;
  const stored: StoredSettings = {};
  if (typeof record.signalingUrl === 'string') {
    const url = parseSignalingUrl(record.signalingUrl);
    if (url.ok) stored.signalingUrl = url.value;
  }
  if (record.iceServers !== undefined) {
    const ice = checkIceServers(record.iceServers);
    if (ice.ok) stored.iceServers = ice.value;
  }
  if (typeof record.doNotDisturb === 'boolean') stored.doNotDisturb = record.doNotDisturb;
  return stored;
}

/** Applies a change to the stored overrides; all or nothing. */
export function applySettingsChange(
  stored: StoredSettings,
  change: SettingsChange,
): SettingsResult<StoredSettings> {
  const next: StoredSettings = { ...stored };
  if (change.signalingUrl === null) delete next.signalingUrl;
  else if (change.signalingUrl !== undefined) {
    const url = parseSignalingUrl(change.signalingUrl);
    if (!url.ok) return { ok: false, field: 'signalingUrl', error: url.error };
    next.signalingUrl = url.value;
  }
  if (change.iceServers === null) delete next.iceServers;
  else if (change.iceServers !== undefined) {
    const ice = checkIceServers(change.iceServers);
    // The field says what was refused; the page names it in its own words.
    if (!ice.ok) return { ok: false, field: 'iceServers', error: ice.error };
    next.iceServers = ice.value;
  }
  if (change.doNotDisturb !== undefined) {
    if (typeof change.doNotDisturb !== 'boolean') {
      return { ok: false, field: 'doNotDisturb', error: userText('configNotOnOff') };
    }
    next.doNotDisturb = change.doNotDisturb;
  }
  return { ok: true, value: next };
}

/** The settings in effect: the user's overrides over the build defaults. */
export function effectiveSettings(defaults: CallDefaults, stored: StoredSettings): SettingsView {
  return {
    signalingUrl: stored.signalingUrl ?? defaults.signalingUrl,
    iceServers: stored.iceServers ?? defaults.iceServers,
    doNotDisturb: stored.doNotDisturb ?? false,
    defaults,
    custom: {
      signalingUrl: stored.signalingUrl !== undefined,
      iceServers: stored.iceServers !== undefined,
    },
  };
}

import type { CallDefaults } from './build-defaults';

declare const __SOTTO_CALL_DEFAULTS__: CallDefaults;

/** The call defaults this build was made with (see wxt.config.ts). */
export const BUILD_CALL_DEFAULTS: CallDefaults = __SOTTO_CALL_DEFAULTS__;

export type { CallDefaults, IceServer } from './build-defaults';
export type {
  CallSettings,
  SettingsChange,
  SettingsField,
  SettingsView,
} from './settings';

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import SecurityMark, { useSecurityMark } from '@/components/SecurityMark';
import { t } from '@/lib/i18n';
import type { CallController, CallView } from './controller';
import { RETRYABLE, TEXT } from './texts';

export interface CallAppProps {
  /** Null when the window was opened without a valid call in its address. */
  controller: CallController | null;
}

function elapsed(since: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return `${m}:${s}`;
}

const QUALITY = {
  good: t('call_quality_good'),
  fair: t('call_quality_fair'),
  poor: t('call_quality_poor'),
} as const;

/** What has arrived so far, e.g. "received 120 KB, 300 frames". */
function received(counts: { bytes: number; frames: number }, media: CallView['media']): string {
  const kb = (counts.bytes / 1024).toFixed(0);
  return media === 'video'
    ? t('call_receivedVideo', kb, counts.frames)
    : t('call_receivedAudio', kb);
}

/** Shows a media stream in a video element (muted for our own, so we never hear ourselves). */
function StreamVideo({
  stream,
  self,
  label,
}: {
  stream: MediaStream;
  self: boolean;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  // A layout effect: the stream goes in as the element is made, not after the next frame
  // (useEffect waits for requestAnimationFrame, which a window without focus may delay).
  useLayoutEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <video
      ref={ref}
      class={self ? 'local' : 'remote'}
      data-sotto={self ? 'local-video' : 'remote-video'}
      autoplay
      playsInline
      muted={self}
      aria-label={label}
    />
  );
}

/** Device pickers for microphone and camera, for the running call. */
function DevicePicker({ controller, view }: { controller: CallController; view: CallView }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const list = () => void navigator.mediaDevices.enumerateDevices().then(setDevices);
    list();
    navigator.mediaDevices.addEventListener('devicechange', list);
    return () => navigator.mediaDevices.removeEventListener('devicechange', list);
  }, []);
  const current = (kind: 'audio' | 'video') =>
    (kind === 'audio'
      ? view.local?.getAudioTracks()
      : view.local?.getVideoTracks())?.[0]?.getSettings().deviceId ?? '';
  const picker = (kind: 'audioinput' | 'videoinput', label: string) => {
    const options = devices.filter((d) => d.kind === kind);
    if (options.length < 2) return null;
    return (
      <label class="device">
        {label}
        <select
          data-sotto={kind === 'audioinput' ? 'microphone-picker' : 'camera-picker'}
          value={current(kind === 'audioinput' ? 'audio' : 'video')}
          onChange={(event) =>
            void controller.switchDevice(kind, (event.currentTarget as HTMLSelectElement).value)
          }
        >
          {options.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || t('call_deviceNumbered', label, i + 1)}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <div class="devices">
      {picker('audioinput', t('call_microphone'))}
      {view.media === 'video' ? picker('videoinput', t('call_camera')) : null}
    </div>
  );
}

/** The call window: state, people, media, SAS and controls for one call. */
export default function CallApp({ controller }: CallAppProps) {
  const [view, setView] = useState<CallView | null>(controller?.view ?? null);
  const mark = useSecurityMark();
  const [now, setNow] = useState(Date.now());
  useEffect(() => controller?.subscribe(setView), [controller]);
  // The timer ticks only while connected.
  useEffect(() => {
    if (view?.state !== 'connected') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [view?.state]);
  useEffect(() => {
    if (view)
      document.title = view.handle ? t('call_pageTitleWith', view.handle) : t('call_pageTitle');
  }, [view?.handle, view]);

  if (!controller || !view) {
    return (
      <main class="call">
        <p data-sotto="call-state" data-sotto-state="failed" role="alert">
          {t('call_notForACall')}
        </p>
      </main>
    );
  }

  const over = view.state === 'ended' || view.state === 'declined' || view.state === 'failed';
  const live = view.state === 'connecting' || view.state === 'connected';
  const showVideo = view.media === 'video';
  return (
    <main class={`call call-${view.state}`}>
      <header>
        <h1 class="who">@{view.handle || '…'}</h1>
        <SecurityMark mark={mark} />
        <p
          data-sotto="call-state"
          data-sotto-state={view.state}
          data-sotto-reason={view.reason ?? undefined}
          role={view.state === 'failed' ? 'alert' : 'status'}
          aria-live="polite"
        >
          {view.text}
        </p>
        {view.state === 'connected' && view.connectedAt !== null ? (
          <p class="timer" data-sotto="call-timer">
            {t('call_duration', elapsed(view.connectedAt, now))}
          </p>
        ) : null}
      </header>

      {view.askingPermission ? (
        <p class="explain" data-sotto="permission-explainer">
          {TEXT.firstUse(view.media)}
        </p>
      ) : null}

      <section class="media" aria-label={t('call_mediaLabel')}>
        {showVideo && view.remote && !over ? (
          <StreamVideo
            stream={view.remote}
            self={false}
            label={t('call_remoteVideoLabel', view.handle)}
          />
        ) : (
          <div class="avatar" aria-hidden="true">
            {(view.handle[0] ?? '?').toUpperCase()}
          </div>
        )}
        {!showVideo && view.remote && !over ? (
          // Audio-only: the stream still needs an element to be heard. A live call has no
          // caption track to offer.
          // biome-ignore lint/a11y/useMediaCaption: live peer-to-peer audio has no captions.
          <audio
            autoplay
            ref={(el) => {
              if (el && el.srcObject !== view.remote) el.srcObject = view.remote;
            }}
          />
        ) : null}
        {showVideo && view.local && !over ? (
          <StreamVideo stream={view.local} self label={t('call_localVideoLabel')} />
        ) : null}
      </section>

      {view.sas ? (
        <section class="sas" aria-labelledby="sas-title">
          <h2 id="sas-title">{t('call_sasTitle')}</h2>
          <p data-sotto="sas">{view.sas.join(' ')}</p>
          <p class="hint">{t('call_sasHelp')}</p>
        </section>
      ) : null}

      {view.quality ? (
        <p
          class={`quality quality-${view.quality}`}
          data-sotto="call-quality"
          data-sotto-quality={view.quality}
          data-sotto-bytes-received={view.received?.bytes}
          data-sotto-frames-decoded={view.received?.frames}
          data-sotto-route={view.route ?? undefined}
        >
          {[
            QUALITY[view.quality],
            view.route === 'relay' ? t('call_relayed') : null,
            view.received ? received(view.received, view.media) : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : null}

      <nav class="controls" aria-label={t('call_controlsLabel')}>
        {view.state === 'ringing' ? (
          <>
            <button
              type="button"
              class="accept"
              data-sotto="accept-call"
              onClick={() => void controller.accept()}
            >
              {t('call_accept')}
            </button>
            <button
              type="button"
              class="decline"
              data-sotto="decline-call"
              onClick={() => void controller.decline()}
            >
              {t('call_decline')}
            </button>
          </>
        ) : null}
        {live || view.state === 'calling' ? (
          <>
            <button
              type="button"
              data-sotto="mute"
              aria-pressed={view.muted}
              onClick={() => controller.toggleMute()}
            >
              {view.muted ? t('call_unmute') : t('call_mute')}
            </button>
            {view.media === 'video' ? (
              <button
                type="button"
                data-sotto="camera"
                aria-pressed={view.cameraOff}
                onClick={() => controller.toggleCamera()}
              >
                {view.cameraOff ? t('call_cameraOn') : t('call_cameraOff')}
              </button>
            ) : null}
            <button
              type="button"
              class="decline"
              data-sotto="hangup"
              onClick={() => void controller.hangUp()}
            >
              {t('call_hangUp')}
            </button>
          </>
        ) : null}
        {over ? (
          <>
            {view.role === 'caller' && view.reason && RETRYABLE.has(view.reason) ? (
              <button type="button" data-sotto="retry-call" onClick={() => location.reload()}>
                {t('call_tryAgain')}
              </button>
            ) : null}
            <button type="button" data-sotto="close-call" onClick={() => window.close()}>
              {t('call_close')}
            </button>
          </>
        ) : null}
      </nav>
      {live ? <DevicePicker controller={controller} view={view} /> : null}
    </main>
  );
}

import { render } from 'preact';
import '@/components/base.css';
import './call.css';
import { localizeDocument } from '@/lib/i18n';
import CallApp from './CallApp';
import { CallController, type CallStart } from './controller';

/** The call window's URL says which side of which call it is (set by the background). */
function readStart(search: string): CallStart | null {
  const params = new URLSearchParams(search);
  const role = params.get('role');
  if (role === 'caller') {
    const handle = params.get('handle');
    const media = params.get('media');
    if (!handle || !/^[A-Za-z0-9_]{1,15}$/.test(handle)) return null;
    if (media !== 'audio' && media !== 'video') return null;
    return { role, handle, media };
  }
  if (role === 'callee') {
    const callId = params.get('callId');
    return callId && /^[0-9a-f]{32}$/.test(callId) ? { role, callId } : null;
  }
  return null;
}

localizeDocument('call_pageTitle');
const start = readStart(location.search);
const controller = start ? new CallController(start) : null;
if (controller) {
  addEventListener('pagehide', () => controller.windowClosing());
  void controller.begin();
}
render(<CallApp controller={controller} />, document.getElementById('app')!);

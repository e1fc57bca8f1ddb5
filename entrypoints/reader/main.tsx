import { render } from 'preact';
import '@/components/base.css';
import './reader.css';
import { applyTheme, followHostTheme, readFrameParams } from '@/components/frame-params';
import { t } from '@/lib/i18n';
import { MAX_FRAME_MESSAGES } from '@/lib/rpc/frame';
import ReaderApp from './ReaderApp';

const app = document.getElementById('app')!;
const params = readFrameParams(location.search);
const query = new URLSearchParams(location.search);
// `ids`: the messages of a run of rows, in order; `id`: a single one.
const messageIds = (query.get('ids') ?? query.get('id') ?? '')
  .split(',')
  .slice(0, MAX_FRAME_MESSAGES);
if (params === null) {
  app.textContent = t('frameOnlyOnX');
} else {
  applyTheme(params.theme);
  followHostTheme(params.hostOrigin);
  render(<ReaderApp hostOrigin={params.hostOrigin} messageIds={messageIds} />, app);
}

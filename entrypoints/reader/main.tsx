import { render } from 'preact';
import '@/components/base.css';
import './reader.css';
import { applyTheme, followHostTheme, readFrameParams } from '@/components/frame-params';
import { t } from '@/lib/i18n';
import ReaderApp from './ReaderApp';

const app = document.getElementById('app')!;
const params = readFrameParams(location.search);
const messageId = new URLSearchParams(location.search).get('id');
if (params === null) {
  app.textContent = t('frameOnlyOnX');
} else {
  applyTheme(params.theme);
  followHostTheme(params.hostOrigin);
  render(<ReaderApp hostOrigin={params.hostOrigin} messageId={messageId} />, app);
}

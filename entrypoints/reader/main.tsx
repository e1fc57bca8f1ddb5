import { render } from 'preact';
import '@/components/base.css';
import { hostOriginFromLocation } from '@/lib/rpc/frame';
import ReaderApp from './ReaderApp';

const app = document.getElementById('app')!;
const hostOrigin = hostOriginFromLocation(location.search);
if (hostOrigin === null) {
  app.textContent = 'This Sotto window only works inside x.com.';
} else {
  render(<ReaderApp hostOrigin={hostOrigin} />, app);
}

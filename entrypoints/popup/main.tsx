import { render } from 'preact';
import '@/components/base.css';
import { localizeDocument } from '@/lib/i18n';
import PopupApp from './PopupApp';

localizeDocument('popupPageTitle');
render(<PopupApp />, document.getElementById('app')!);

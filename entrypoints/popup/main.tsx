import { render } from 'preact';
import '@/components/base.css';
import PopupApp from './PopupApp';

render(<PopupApp />, document.getElementById('app')!);

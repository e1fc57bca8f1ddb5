import { render } from 'preact';
import '@/components/base.css';
import OptionsApp from './OptionsApp';

render(<OptionsApp />, document.getElementById('app')!);

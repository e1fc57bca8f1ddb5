import { render } from 'preact';
import '@/components/base.css';
import { localizeDocument } from '@/lib/i18n';
import OptionsApp from './OptionsApp';

localizeDocument('optionsPageTitle');
render(<OptionsApp />, document.getElementById('app')!);

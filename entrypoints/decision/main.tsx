import { render } from 'preact';
import '@/components/base.css';
import { localizeDocument } from '@/lib/i18n';
import DecisionApp from './DecisionApp';

localizeDocument('decisionPageTitle');
const id = new URLSearchParams(location.search).get('id') ?? '';
render(<DecisionApp id={id} />, document.getElementById('app')!);

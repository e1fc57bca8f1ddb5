import { render } from 'preact';
import '@/components/base.css';
import { localizeDocument } from '@/lib/i18n';
import OnboardingApp from './OnboardingApp';

localizeDocument('onboardingPageTitle');
render(<OnboardingApp />, document.getElementById('app')!);

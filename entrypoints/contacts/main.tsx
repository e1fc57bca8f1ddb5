import { render } from 'preact';
import '@/components/base.css';
import { localizeDocument } from '@/lib/i18n';
import ContactsApp from './ContactsApp';

localizeDocument('contactsPageTitle');
render(<ContactsApp />, document.getElementById('app')!);

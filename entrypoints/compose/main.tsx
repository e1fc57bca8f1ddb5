import { render } from 'preact';
import '@/components/base.css';
import { applyTheme, followHostTheme, readFrameParams } from '@/components/frame-params';
import { t } from '@/lib/i18n';
import ComposeApp from './ComposeApp';

const app = document.getElementById('app')!;
const params = readFrameParams(location.search);
if (params === null) {
  app.textContent = t('frameOnlyOnX');
} else {
  applyTheme(params.theme);
  followHostTheme(params.hostOrigin);
  const search = new URLSearchParams(location.search);
  render(
    <ComposeApp
      hostOrigin={params.hostOrigin}
      conversationId={search.get('conversation') ?? ''}
      partner={search.get('partner') ?? ''}
      kind={search.get('kind') ?? 'unknown'}
      intent={search.get('intent') === 'invite' ? 'invite' : 'write'}
    />,
    app,
  );
}

import { Activity, LogOut } from 'lucide-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { useRuntimeEvents, useStatus } from './api/hooks.js';
import { decodePath } from './links.js';
import { NAV } from './nav.js';
import { CommandPalette } from './palette/command-palette.js';
import { EndpointsView } from './views/endpoints.js';
import { LogsView } from './views/logs.js';
import { OverviewView } from './views/overview.js';
import { PackagesView } from './views/packages.js';
import { RequestView } from './views/request.js';
import { SecretsView } from './views/secrets.js';
import { SettingsView } from './views/settings.js';
import { TokensView } from './views/tokens.js';

// Monaco is most of the panel's weight: it loads with the editor view only, in its own chunk.
const EditorView = lazy(() => import('./views/editor.js').then((module) => ({ default: module.EditorView })));

/** The sidebar's word on the connection: lost (and being tried again), live, or connecting. */
function ConnectionState({ lost, live, url }: { lost: boolean; live: boolean; url: string | undefined }) {
  return (
    <>
      <span className={`dot ${lost ? 'bad' : live ? 'good' : 'wait'}`} aria-hidden />
      <span
        className="small nav-label"
        title={lost ? `${url ?? 'The server'} does not answer; trying again` : url}
      >
        {lost ? 'Server unreachable' : live ? 'Live' : 'Connecting…'}
      </span>
    </>
  );
}

export function Layout({ onLogout }: { onLogout?: () => void }) {
  const connection = useRuntimeEvents();
  const [location] = useLocation();
  const status = useStatus();
  const current = (href: string) => (href === '/' ? location === '/' : location.startsWith(href));
  const [paletteOpen, setPaletteOpen] = useState(false);
  useShortcuts(setPaletteOpen);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <Activity aria-hidden size={20} /> <span className="nav-label">API Deploy</span>
        </div>
        <ul>
          {NAV.map(({ href, label, icon: Icon }) => (
            <li key={href}>
              <Link href={href} aria-current={current(href) ? 'page' : undefined} title={label}>
                <Icon aria-hidden size={17} /> <span className="nav-label">{label}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <ConnectionState
            lost={connection === 'lost' || status.isError}
            live={connection === 'live'}
            url={status.data?.url}
          />
          {onLogout && (
            <button
              type="button"
              className="icon-button"
              onClick={onLogout}
              title="Sign out"
              aria-label="Sign out"
            >
              <LogOut size={16} aria-hidden />
            </button>
          )}
        </div>
      </nav>
      <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
      <main className="content">
        <Suspense fallback={<p className="muted pad">Loading…</p>}>
          <Switch>
            <Route path="/" component={OverviewView} />
            <Route path="/endpoints" component={EndpointsView} />
            <Route path="/try/*?">
              {(params) => <RequestView endpoint={params['*'] ? `/${decodePath(params['*'])}` : undefined} />}
            </Route>
            <Route path="/logs" component={LogsView} />
            <Route path="/tokens" component={TokensView} />
            <Route path="/secrets" component={SecretsView} />
            <Route path="/packages/*?">
              {(params) => <PackagesView install={params['*'] ? decodePath(params['*']) : undefined} />}
            </Route>
            <Route path="/editor/*?">{(params) => <EditorView file={decodePath(params['*'])} />}</Route>
            <Route path="/settings" component={SettingsView} />
            <Route>
              <p className="pad">
                Nothing here. <Link href="/">Back to the overview</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}

/** Whether a key press is typing: it goes to a field, an editor or anything editable. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, .monaco-editor') !== null;
}

/**
 * The panel's keys: Ctrl/Cmd+K opens the command palette (anywhere, as in editors and
 * Postman); `/` focuses the view's search field, when it has one and nothing is being typed.
 */
function useShortcuts(setPaletteOpen: (open: boolean) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPaletteOpen(true);
      } else if (event.key === '/' && !event.ctrlKey && !event.metaKey && !isTyping(event.target)) {
        const search = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (search) {
          event.preventDefault();
          search.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setPaletteOpen]);
}

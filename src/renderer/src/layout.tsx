import {
  Activity,
  FileCode2,
  Gauge,
  KeyRound,
  ListTree,
  LockKeyhole,
  LogOut,
  Package,
  ScrollText,
  Send,
  Settings,
  type LucideIcon,
} from 'lucide-react';
import { lazy, Suspense } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { useRuntimeEvents, useStatus } from './api/hooks.js';
import { decodePath } from './links.js';
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

interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
}

const NAV: NavItem[] = [
  { href: '/', label: 'Overview', icon: Gauge },
  { href: '/endpoints', label: 'Endpoints', icon: ListTree },
  { href: '/try', label: 'Request', icon: Send },
  { href: '/logs', label: 'Logs', icon: ScrollText },
  { href: '/tokens', label: 'Tokens', icon: KeyRound },
  { href: '/secrets', label: 'Secrets', icon: LockKeyhole },
  { href: '/packages', label: 'Packages', icon: Package },
  { href: '/editor', label: 'Editor', icon: FileCode2 },
  { href: '/settings', label: 'Settings', icon: Settings },
];

export function Layout({ onLogout }: { onLogout?: () => void }) {
  const live = useRuntimeEvents();
  const [location] = useLocation();
  const status = useStatus();
  const current = (href: string) => (href === '/' ? location === '/' : location.startsWith(href));

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
          <span className={`dot ${status.isError ? 'bad' : live ? 'good' : 'wait'}`} aria-hidden />
          <span className="small nav-label" title={status.data?.url}>
            {status.isError ? 'Server unreachable' : live ? 'Live' : 'Connecting…'}
          </span>
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

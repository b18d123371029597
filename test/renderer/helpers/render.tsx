/**
 * Renders a panel view as the app does (session, query client, router) over a fake API, and
 * checks after every test what must always hold: admin calls carry the admin token as Bearer
 * and never in a URL, no token value is written to storage, and no call went unanswered.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { SessionContext } from '../../../src/renderer/src/api/hooks.js';
import type { Session } from '../../../src/renderer/src/session.js';
import { FakeApi } from './fake-api.js';

export const ADMIN_TOKEN = 'admin-secret';
export const SESSION: Session = { baseUrl: '', adminToken: ADMIN_TOKEN, desktop: false };
/** Where the login keeps the admin token: the one storage key a token value may be written to. */
export const LOGIN_KEY = 'api-deploy.admin-token';

// --- what jsdom lacks -------------------------------------------------------------------------

if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.show = function show(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}

if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

/** The clipboard: what was written to it. */
export class FakeClipboard {
  readonly writes: string[] = [];
  get text(): string | undefined {
    return this.writes.at(-1);
  }
  writeText = async (text: string) => {
    this.writes.push(text);
  };
  readText = async () => this.text ?? '';
}

export interface StorageWrite {
  area: 'local' | 'session';
  key: string;
  value: string;
}

export interface PanelTest {
  api: FakeApi;
  clipboard: FakeClipboard;
  storageWrites: StorageWrite[];
  /** The admin token every `/api/*` call must carry as Bearer. */
  adminToken: string;
  /** Other tokens a test sends to `/api/*` on purpose (a wrong one at the login). */
  triedTokens: Set<string>;
  /** Token values that must never be written to storage nor put in a URL. */
  secrets: Set<string>;
}

/**
 * Registers the hooks of a panel test file: a fresh fake API as `fetch`, clean storage, a
 * fake clipboard, and the checks after each test. Returns the live test state.
 */
export function setupPanelTest(): PanelTest {
  const test = {} as PanelTest;
  let restoreSetItem: () => void = () => {};

  beforeEach(() => {
    test.api = new FakeApi();
    test.clipboard = new FakeClipboard();
    test.storageWrites = [];
    test.adminToken = ADMIN_TOKEN;
    test.triedTokens = new Set();
    test.secrets = new Set([ADMIN_TOKEN]);
    localStorage.clear();
    sessionStorage.clear();
    vi.stubGlobal('fetch', test.api.fetch);
    installClipboard(test.clipboard);

    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function recordedSetItem(this: Storage, key: string, value: string) {
      test.storageWrites.push({
        area: this === sessionStorage ? 'session' : 'local',
        key,
        value: String(value),
      });
      return setItem.call(this, key, value);
    };
    restoreSetItem = () => {
      Storage.prototype.setItem = setItem;
    };
  });

  afterEach(() => {
    cleanup();
    restoreSetItem();
    vi.unstubAllGlobals();
    delete window.apiDeploy;
    window.location.hash = '';

    for (const call of test.api.calls) {
      if (call.path.startsWith('/api/')) {
        const bearers = [test.adminToken, ...test.triedTokens].map((token) => `Bearer ${token}`);
        expect(bearers, `the Authorization of ${call.method} ${call.path}`).toContain(
          call.headers.get('authorization'),
        );
        // So the Logs view can tell the panel's own requests from the user's.
        expect(call.headers.get('x-api-deploy-source'), `the source of ${call.method} ${call.path}`).toBe(
          'panel',
        );
      }
      for (const secret of test.secrets) {
        expect(call.url.includes(secret), `a token in the URL ${call.url}`).toBe(false);
      }
    }
    for (const write of test.storageWrites) {
      for (const secret of test.secrets) {
        const allowed = write.area === 'session' && write.key === LOGIN_KEY && secret === test.adminToken;
        if (!allowed) {
          expect(write.value.includes(secret), `token written to ${write.area}Storage "${write.key}"`).toBe(
            false,
          );
        }
      }
    }
    expect(
      test.api.unrouted.map((call) => `${call.method} ${call.path}`),
      'calls no fake route answered',
    ).toEqual([]);
  });

  return test;
}

function installClipboard(clipboard: FakeClipboard) {
  Object.defineProperty(window.navigator, 'clipboard', { value: clipboard, configurable: true });
}

/** A user-event session; keeps the fake clipboard (user-event installs its own). */
export function makeUser(test: PanelTest) {
  const user = userEvent.setup();
  installClipboard(test.clipboard);
  return user;
}

export interface RenderOptions {
  /** The router's location to start at. */
  path?: string;
  session?: Session;
  /** A query client to share (e.g. one holding cached answers already). */
  queryClient?: QueryClient;
  /** Render inside React's StrictMode, as the panel's entry point does. */
  strict?: boolean;
}

/** A query client like the app's, without retries. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

/** Renders `ui` inside the providers the app gives its views, at `path` of an in-memory router. */
export function renderView(
  test: PanelTest,
  ui: ReactNode,
  { path = '/', session = SESSION, queryClient = testQueryClient(), strict = false }: RenderOptions = {},
) {
  const location = memoryLocation({ path, record: true });
  const user = makeUser(test);
  const tree = (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>
        <Router hook={location.hook}>{ui}</Router>
      </QueryClientProvider>
    </SessionContext.Provider>
  );
  const result = render(strict ? <StrictMode>{tree}</StrictMode> : tree);
  return {
    ...result,
    user,
    queryClient,
    location,
    /** The router's current path. */
    path: () => location.history.at(-1),
  };
}

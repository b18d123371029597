// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Router } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { LogEntry } from '../../src/shared/admin-api.js';
import { SessionContext } from '../../src/renderer/src/api/hooks.js';
import { LogsView } from '../../src/renderer/src/views/logs.js';

const TOKEN = 'admin-secret-value';
const T0 = new Date(2026, 10, 24, 9, 5, 7, 42).getTime();

const request = (seq: number, more: Partial<LogEntry> = {}): LogEntry => ({
  seq,
  time: T0 + seq,
  level: 30,
  kind: 'request',
  requestId: `req-${seq}`,
  method: 'POST',
  endpoint: '/shop/price',
  status: 200,
  durationMs: 3.25,
  msg: `POST /shop/price 200`,
  ...more,
});

interface OpenStream {
  url: URL;
  push(text: string): void;
  log(entry: LogEntry): void;
  end(): void;
}

/** The runtime as the panel sees it: `/api/logs` answers `history`, streams are opened on demand. */
function fakeServer(history: LogEntry[]) {
  const streams: OpenStream[] = [];
  const calls: { url: URL; init?: RequestInit }[] = [];
  const encoder = new TextEncoder();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://panel.test');
    calls.push({ url, init });
    if (url.pathname === '/api/logs/stream') {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      init?.signal?.addEventListener('abort', () =>
        controller.error(new DOMException('aborted', 'AbortError')),
      );
      const stream: OpenStream = {
        url,
        push: (text) => controller.enqueue(encoder.encode(text)),
        log: (entry) => stream.push(`id: ${entry.seq}\nevent: log\ndata: ${JSON.stringify(entry)}\n\n`),
        end: () => controller.close(),
      };
      streams.push(stream);
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    if (url.pathname === '/api/logs') {
      const type = url.searchParams.get('type');
      const hidePanel = url.searchParams.get('panel') === 'hide';
      const entries = history.filter(
        (entry) => (!type || entry.kind === type) && !(hidePanel && entry.source === 'panel'),
      );
      return Response.json({ success: true, data: { entries }, endpoint: '/api/logs' });
    }
    if (url.pathname === '/api/endpoints') {
      const data = {
        generation: 1,
        unavailable: [],
        modules: [{ module: 'shop', file: 'shop.ts', endpoints: [{ path: '/shop/price' }] }],
      };
      return Response.json({ success: true, data, endpoint: '/api/endpoints' });
    }
    return Response.json({ success: false, error: 'nope', code: 'ENDPOINT_NOT_FOUND' }, { status: 404 });
  });
  const latest = () => streams[streams.length - 1]!;
  const logQueries = () => calls.filter((call) => call.url.pathname === '/api/logs').map((call) => call.url);
  return { fetchMock, streams, calls, latest, logQueries };
}

let server: ReturnType<typeof fakeServer>;

/** A time of day as the user's locale writes it, to the millisecond (`9:05:07.043 AM` in en-US). */
const localTime = (time: number) =>
  new Date(time).toLocaleTimeString(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
  });

const FAILED = request(2, { kind: 'error', level: 50, status: 500, msg: 'Function failed' });

function renderView(history: LogEntry[] = [request(1), FAILED]) {
  server = fakeServer(history);
  vi.stubGlobal('fetch', server.fetchMock);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <SessionContext.Provider value={{ baseUrl: '', adminToken: TOKEN, desktop: false }}>
      <QueryClientProvider client={client}>
        <Router hook={useHashLocation}>
          <LogsView />
        </Router>
      </QueryClientProvider>
    </SessionContext.Provider>,
  );
  return user;
}

const grid = () => screen.getByRole('grid', { name: 'Log lines' });
const dataRows = () =>
  within(grid())
    .queryAllByRole('row')
    .filter((row) => row.hasAttribute('data-key'));
const rowTexts = () => dataRows().map((row) => row.textContent);
/** A row by what it shows; the list holds each line once. */
const rowWith = (text: string) => {
  const found = dataRows().filter((row) => row.textContent!.includes(text));
  expect(found).toHaveLength(1);
  return found[0]!;
};

beforeEach(() => {
  // jsdom has no layout: give the scrolling list a size so the virtualizer renders rows.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(440);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  window.location.hash = '#/logs';
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('Logs view', () => {
  it('shows the recent lines, then follows the stream, once each', async () => {
    renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    const [first, failed] = dataRows();
    expect(first!.textContent).toContain(localTime(T0 + 1));
    expect(within(first!).getByText('info')).toBeTruthy();
    expect(within(first!).getByText('POST /shop/price')).toBeTruthy();
    expect(within(first!).getByText('3.25 ms')).toBeTruthy();
    expect(within(first!).getByText('200').className).toContain('good');
    expect(failed!.querySelector('.log-level')!.textContent).toBe('error');
    expect(within(failed!).getByText('500').className).toContain('bad');
    expect(within(failed!).getByText('Function failed')).toBeTruthy();

    // History first, with a limit; the token travels as a header, never in a URL.
    const [history] = server.logQueries();
    expect(history!.searchParams.get('limit')).toBe('1000');
    for (const call of server.calls) {
      expect(call.url.href).not.toContain(TOKEN);
      expect(new Headers(call.init?.headers).get('authorization')).toBe(`Bearer ${TOKEN}`);
    }

    await waitFor(() => expect(server.streams).toHaveLength(1));
    await screen.findByText('Live');
    act(() => {
      server.latest().log(FAILED); // already shown
      server.latest().log(request(3, { endpoint: '/shop/order', msg: 'POST /shop/order 201', status: 201 }));
    });
    await waitFor(() => expect(dataRows()).toHaveLength(3));
    expect(rowTexts()[2]).toContain('/shop/order');
    expect(rowWith('/shop/order').getAttribute('aria-rowindex')).toBe('4');
    expect(grid().getAttribute('aria-rowcount')).toBe('4');
  });

  it("writes times in the user's locale, as the other views do (its 12- or 24-hour clock)", async () => {
    renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    const time = dataRows()[0]!.querySelector('.log-time')!;
    expect(time.textContent).toBe(localTime(T0 + 1));
    // The date and time of the tooltip is the locale's date and time, as elsewhere in the panel.
    const seconds = new Date(T0 + 1).toLocaleString();
    expect(time.getAttribute('title')).toBe(seconds.replace(/(:\d\d)(?!.*:\d\d)/, '$1.043'));
  });

  it('says what to do when there are no lines yet', async () => {
    renderView([]);
    expect(await screen.findByText(/No log lines yet\. Call an endpoint/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Request panel' }).getAttribute('href')).toBe('#/try');
  });

  it('tells when the server skipped lines for a slow reader, and when the stream is down', async () => {
    renderView();
    await waitFor(() => expect(server.streams).toHaveLength(1));
    act(() => server.latest().push('event: dropped\ndata: {"count":37}\n\n'));
    expect((await screen.findByText(/The server skipped 37 lines/)).getAttribute('role')).toBe('status');
    act(() => server.latest().end());
    expect(await screen.findByText('Reconnecting…')).toBeTruthy();
    // It comes back by itself and asks what it missed since the newest line it has.
    await waitFor(() => expect(server.streams).toHaveLength(2), { timeout: 3000 });
    await screen.findByText('Live');
    // The history, the catch-up when the stream first connected, and the one after the drop.
    await waitFor(() => expect(server.logQueries()).toHaveLength(3));
    expect(server.logQueries()[2]!.searchParams.get('since')).toBe(String(T0 + 2));
  });

  it('restarts the history and the stream with the filters, typing debounced', async () => {
    const user = renderView();
    await waitFor(() => expect(server.streams).toHaveLength(1));
    await user.selectOptions(screen.getByLabelText('Kind'), 'error');
    await waitFor(() => expect(server.latest().url.searchParams.get('type')).toBe('error'));
    expect(server.logQueries().at(-1)!.searchParams.get('type')).toBe('error');
    await waitFor(() => expect(dataRows()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('500');

    await user.selectOptions(screen.getByLabelText('Level'), 'warn');
    await waitFor(() => expect(server.latest().url.searchParams.get('level')).toBe('warn'));

    const streamsBefore = server.streams.length;
    await user.type(screen.getByLabelText('Search'), 'boom');
    await user.type(screen.getByLabelText('Endpoint'), 'shop');
    // One restart for the typing, not one a key.
    await waitFor(() => expect(server.latest().url.searchParams.get('q')).toBe('boom'));
    expect(server.streams.length).toBe(streamsBefore + 1);
    expect(server.latest().url.searchParams.get('endpoint')).toBe('/shop');
    expect(server.latest().url.searchParams.get('type')).toBe('error');

    // A status the server would refuse is flagged and not sent.
    const status = screen.getByLabelText('Status');
    await user.type(status, '50');
    expect(status.getAttribute('aria-invalid')).toBe('true');
    await user.type(status, '3');
    expect(status.getAttribute('aria-invalid')).toBe('false');
    await waitFor(() => expect(server.latest().url.searchParams.get('status')).toBe('503'));
    await user.clear(status);
    await user.type(status, '5xx');
    await waitFor(() => expect(server.latest().url.searchParams.get('status')).toBe('5xx'));

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect([...server.latest().url.searchParams.keys()]).toEqual(['panel']));
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(dataRows()).toHaveLength(2));
  });

  it("hides the panel's own requests unless asked to show them", async () => {
    const polled = request(3, {
      method: 'GET',
      endpoint: '/api/status',
      source: 'panel',
      msg: 'GET /api/status 200',
    });
    const user = renderView([request(1), polled]);
    await waitFor(() => expect(dataRows()).toHaveLength(1));
    expect(rowTexts()[0]).toContain('POST /shop/price');
    await waitFor(() => expect(server.streams).toHaveLength(1));
    expect(server.latest().url.searchParams.get('panel')).toBe('hide');
    expect(server.logQueries().at(-1)!.searchParams.get('panel')).toBe('hide');

    const toggle = screen.getByRole('checkbox', { name: "Show the panel's own requests" });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    await user.click(toggle);
    await waitFor(() => expect(server.latest().url.searchParams.has('panel')).toBe(false));
    expect(server.logQueries().at(-1)!.searchParams.has('panel')).toBe(false);
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    expect(rowWith('/api/status')).toBeTruthy();
    // Not a filter that "Clear filters" undoes, nor one that says no line matches.
    expect((screen.getByRole('button', { name: 'Clear filters' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says in the Message column what went wrong, or what the function logged, not the request again', async () => {
    renderView([
      request(1, { status: 422, code: 'VALIDATION_ERROR', error: 'body.quantity: expected a number' }),
      { seq: 2, time: T0 + 2, level: 30, kind: 'app', requestId: 'req-4', msg: 'price looked up' },
      { seq: 3, time: T0 + 3, level: 30, kind: 'app', requestId: 'req-4', msg: 'coupon applied' },
      request(4, { endpoint: '/shop/order' }),
      request(5, { endpoint: '/shop/quiet' }),
    ]);
    await waitFor(() => expect(dataRows()).toHaveLength(5));
    const message = (row: HTMLElement) => within(row).getAllByRole('gridcell').at(-1)!.textContent;
    expect(message(rowWith('422'))).toBe('VALIDATION_ERROR: body.quantity: expected a number');
    expect(message(rowWith('/shop/order'))).toBe('price looked up · coupon applied');
    expect(message(rowWith('/shop/quiet'))).toBe('');
    expect(message(dataRows()[1]!)).toBe('price looked up');
  });

  it('holds new lines while paused and shows them on resume', async () => {
    const user = renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    await waitFor(() => expect(server.streams).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => {
      server.latest().log(request(3, { endpoint: '/shop/order' }));
      server.latest().log(request(4, { endpoint: '/shop/order' }));
    });
    const resume = await screen.findByRole('button', { name: /Resume.*2 new/ });
    expect(dataRows()).toHaveLength(2);
    await user.click(resume);
    await waitFor(() => expect(dataRows()).toHaveLength(4));
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('opens a line in a drawer with its JSON, from a click or the keyboard, and closes it with Escape', async () => {
    const user = renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    await user.click(rowWith('Function failed'));
    const drawer = screen.getByRole('dialog', { name: /Log line #2/ });
    expect(within(drawer).getByLabelText('Log line as JSON').textContent).toContain('"requestId": "req-2"');
    expect(rowWith('Function failed').getAttribute('aria-selected')).toBe('true');

    // Arrows move the selection; the open drawer follows it.
    await user.keyboard('{ArrowUp}');
    expect(dataRows()[0]!.getAttribute('aria-selected')).toBe('true');
    expect(rowWith('Function failed').getAttribute('aria-selected')).toBe('false');
    expect(grid().getAttribute('aria-activedescendant')).toBe(dataRows()[0]!.id);
    expect(screen.getByRole('dialog', { name: /Log line #1/ })).toBeTruthy();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    // Enter opens it and moves the focus in; Escape gives the focus back to the list.
    grid().focus();
    await user.keyboard('{ArrowDown}{Enter}');
    const again = screen.getByRole('dialog', { name: /Log line #2/ });
    expect(document.activeElement).toBe(within(again).getByRole('button', { name: 'Close details' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(grid());
  });

  it('copies the JSON of a line', async () => {
    const user = renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    await user.click(rowWith('Function failed'));
    await user.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeTruthy();
    expect(JSON.parse(await navigator.clipboard.readText())).toMatchObject({ seq: 2, requestId: 'req-2' });
  });

  it('opens a logged request in the request panel with its parameters, never a token', async () => {
    const body = JSON.stringify({ token: '[redacted]', body: { sku: 'TEA', quantity: 2 } });
    const user = renderView([
      request(1, { body }),
      { seq: 2, time: T0 + 2, level: 30, kind: 'system', msg: 'Started' },
    ]);
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    await user.click(rowWith('Started'));
    expect(screen.queryByRole('button', { name: 'Open in request panel' })).toBeNull();
    await user.click(rowWith('POST /shop/price'));
    expect(screen.getByLabelText('Request body').textContent).toContain('"sku": "TEA"');
    await user.click(screen.getByRole('button', { name: 'Open in request panel' }));
    await waitFor(() => expect(window.location.hash).toBe('#/try/shop/price'));
    const stored = sessionStorage.getItem('api-deploy.replay')!;
    expect(JSON.parse(stored)).toEqual({ endpoint: '/shop/price', body: { sku: 'TEA', quantity: 2 } });
    expect(stored).not.toContain('token');
  });

  it('downloads the lines shown as NDJSON', async () => {
    const user = renderView();
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    let blob: Blob | undefined;
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    URL.createObjectURL = (made: Blob) => ((blob = made), 'blob:logs');
    URL.revokeObjectURL = () => undefined;
    onTestFinished(() => void Object.assign(URL, original));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(click).toHaveBeenCalledTimes(1);
    const saved = click.mock.contexts[0] as HTMLAnchorElement;
    expect(saved.download).toMatch(/^api-deploy-logs-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.ndjson$/);
    expect(saved.href).toBe('blob:logs');
    const lines = (await blob!.text()).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as LogEntry).seq)).toEqual([1, 2]);
  });
});

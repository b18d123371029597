// Copy a call as curl, fetch (JavaScript), Python requests and HTTPie: each snippet is run (the
// shell ones by bash with the client replaced by a function that prints what it was given, the
// fetch one with a fake fetch, the Python one with a fake requests module) and must send exactly
// the body typed, whatever it holds, with the token from API_DEPLOY_TOKEN and never a value.
// (Here, not in test/renderer: it runs bash and python3, so it takes Node's types.)
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { callJson, curlCommand, shellQuote } from '../src/renderer/src/curl.js';
import {
  fetchSnippet,
  httpieSnippet,
  pythonLiteral,
  pythonSnippet,
  snippet,
  SNIPPET_KINDS,
} from '../src/renderer/src/snippets.js';

const BASE = 'http://127.0.0.1:8000';
const ENDPOINT = '/shop/price';
const TOKEN = 'tok-from-the-environment';

/** Bodies a quoting mistake would break or change. */
const BODIES: Record<string, unknown> = {
  plain: { sku: 'TEA', quantity: 2, total: 7.2, gift: false, note: null },
  quotes: { single: "it's", double: 'say "hi"', both: `'"'"` },
  backslashes: { path: 'C:\\Users\\ann', escape: '\\n is not a newline', end: 'ends with \\' },
  'non-ASCII': { name: 'Zoë 東京 🍵', separators: '\u2028\u2029', nbsp: '\u00a0' },
  dollars: { price: '$5', variable: '$HOME ${PATH} $(whoami) `id`', python: '{name} %s' },
  newlines: { text: 'line one\nline two\r\n\ttabbed', control: '\u0001\u001f' },
  nested: {
    items: [{ id: 1, tags: ['a', "b'c"] }, [], {}],
    deep: { deeper: { deepest: [true, -0.5, 1e21] } },
  },
  empty: {},
};

const hasPython = spawnSync('python3', ['-c', 'import sys; sys.exit(0)']).status === 0;

/** Runs a shell snippet with `client` (curl, http) a function printing each argument NUL-separated. */
function runShell(client: string, command: string): string[] {
  const script = `${client}() { printf '%s\\0' "$@"; }\n${command}`;
  const output = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { PATH: process.env.PATH, API_DEPLOY_TOKEN: TOKEN },
    encoding: 'utf8',
  });
  return output.split('\0').slice(0, -1);
}

/** Runs the fetch snippet with a fake fetch; answers what it was called with. */
async function runFetch(code: string): Promise<{ url: string; init: RequestInit }> {
  let seen: { url: string; init: RequestInit } | undefined;
  const fakeFetch = async (url: string, init: RequestInit) => {
    seen = { url, init };
    return { status: 200, json: async () => ({}) };
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('fetch', 'process', 'console', code)(
    fakeFetch,
    { env: { API_DEPLOY_TOKEN: TOKEN } },
    { log: () => {} },
  );
  return seen!;
}

/** Runs the Python snippet with a fake `requests`; answers what `post` was called with. */
function runPython(code: string): { url: string; json: unknown; headers: Record<string, string> | null } {
  const harness = `
import json, sys, types
fake = types.ModuleType("requests")
class Answer:
    status_code = 200
    def json(self):
        return {}
def post(url, json=None, headers=None):
    sys.stderr.write(__import__("json").dumps({"url": url, "json": json, "headers": headers}))
    return Answer()
fake.post = post
sys.modules["requests"] = fake
exec(sys.stdin.read())
`;
  const result = spawnSync('python3', ['-c', harness], {
    input: code,
    env: { PATH: process.env.PATH, API_DEPLOY_TOKEN: TOKEN, PYTHONIOENCODING: 'utf-8' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stderr);
}

describe('call snippets', () => {
  for (const [what, body] of Object.entries(BODIES)) {
    describe(`a body with ${what}`, () => {
      const call = { baseUrl: BASE, endpoint: ENDPOINT, body };
      const sent = callJson(body);

      it('curl sends it as typed', () => {
        const args = runShell('curl', curlCommand(BASE, ENDPOINT, body));
        expect(args).toEqual([
          '-X',
          'POST',
          `${BASE}${ENDPOINT}`,
          '-H',
          'Content-Type: application/json',
          '-H',
          `Authorization: Bearer ${TOKEN}`,
          '-d',
          sent,
        ]);
        expect(JSON.parse(args.at(-1)!)).toEqual({ body });
      });

      it('HTTPie sends it as typed', () => {
        const args = runShell('http', httpieSnippet(call));
        expect(args).toEqual([
          'POST',
          `${BASE}${ENDPOINT}`,
          'Content-Type:application/json',
          `Authorization:Bearer ${TOKEN}`,
          '--raw',
          sent,
        ]);
      });

      it('fetch sends it as typed', async () => {
        const { url, init } = await runFetch(fetchSnippet(call));
        expect(url).toBe(`${BASE}${ENDPOINT}`);
        expect(init.method).toBe('POST');
        expect(init.headers).toEqual({
          'Content-Type': 'application/json',
          Authorization: `Bearer ${TOKEN}`,
        });
        expect(init.body).toBe(sent);
      });

      it.skipIf(!hasPython)('Python requests sends it as typed', () => {
        const posted = runPython(pythonSnippet(call));
        expect(posted.url).toBe(`${BASE}${ENDPOINT}`);
        // -0.5 and 1e21 come back as numbers equal to the typed ones.
        expect(posted.json).toEqual({ body });
        expect(posted.headers).toEqual({ Authorization: `Bearer ${TOKEN}` });
      });
    });
  }

  it('never holds a token value: the token is the variable API_DEPLOY_TOKEN', () => {
    const call = { baseUrl: BASE, endpoint: ENDPOINT, body: { a: 1 } };
    expect(snippet('curl', call)).toContain('"Authorization: Bearer $API_DEPLOY_TOKEN"');
    expect(snippet('httpie', call)).toContain('Authorization:"Bearer $API_DEPLOY_TOKEN"');
    expect(snippet('fetch', call)).toContain('`Bearer ${process.env.API_DEPLOY_TOKEN}`');
    expect(snippet('python', call)).toContain('"Bearer " + os.environ["API_DEPLOY_TOKEN"]');
  });

  it('leaves the header out for a call sent with no token', async () => {
    const call = { baseUrl: BASE, endpoint: ENDPOINT, body: { a: 1 }, token: false };
    for (const kind of SNIPPET_KINDS)
      expect(snippet(kind, call)).not.toMatch(/Authorization|API_DEPLOY_TOKEN/);
    expect(runShell('curl', snippet('curl', call))).not.toContain('-H Authorization');
    expect((await runFetch(snippet('fetch', call))).init.headers).toEqual({
      'Content-Type': 'application/json',
    });
    if (hasPython) expect(runPython(snippet('python', call)).headers).toBeNull();
  });

  it('sends the extra headers as typed, after the token', async () => {
    const headers = [
      ['X-Tenant', 'it\'s "$HOME" `id`'],
      ['X-Empty', ''],
    ] as const;
    const call = { baseUrl: BASE, endpoint: ENDPOINT, body: { a: 1 }, headers };
    expect(runShell('curl', snippet('curl', call)).slice(7, 11)).toEqual([
      '-H',
      `X-Tenant: ${headers[0][1]}`,
      '-H',
      'X-Empty: ',
    ]);
    expect(runShell('http', snippet('httpie', call)).slice(4, 6)).toEqual([
      `X-Tenant:${headers[0][1]}`,
      'X-Empty:',
    ]);
    expect((await runFetch(snippet('fetch', call))).init.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${TOKEN}`,
      'X-Tenant': headers[0][1],
      'X-Empty': '',
    });
    if (hasPython) {
      expect(runPython(snippet('python', call)).headers).toEqual({
        Authorization: `Bearer ${TOKEN}`,
        'X-Tenant': headers[0][1],
        'X-Empty': '',
      });
      expect(runPython(snippet('python', { ...call, token: false })).headers).toEqual({
        'X-Tenant': headers[0][1],
        'X-Empty': '',
      });
    }
  });

  it('quotes the URL for the shell too', () => {
    const odd = "http://host:8000/it's";
    expect(runShell('curl', curlCommand(odd, '/a/b', {}))[2]).toBe(`${odd}/a/b`);
  });

  it('keeps the curl command as it was for a plain body', () => {
    expect(curlCommand(BASE, '/template/sync_hello', { name: 'Ann' })).toBe(
      [
        `curl -X POST 'http://127.0.0.1:8000/template/sync_hello'`,
        `-H 'Content-Type: application/json'`,
        `-H "Authorization: Bearer $API_DEPLOY_TOKEN"`,
        `-d '{"body":{"name":"Ann"}}'`,
      ].join(' \\\n  '),
    );
  });

  it('writes Python literals for every JSON value', () => {
    expect(pythonLiteral({ a: [true, false, null, 1.5, 'x"y'] })).toBe(
      '{"a": [True, False, None, 1.5, "x\\"y"]}',
    );
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

// The house rules of the source tree (ARCHITECTURE.md, docs/architecture.md): inside the server
// every import points down the pipeline, src/main enters the server by its front door only, the
// renderer never reaches into the server, and the server never loads Electron.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The server's layers, lowest first: a file may import its own layer or one below. */
const SERVER_LAYERS: Record<string, number> = {
  core: 0,
  'public.ts': 0,
  config: 1,
  logs: 2,
  params: 2,
  trace: 2,
  load: 3,
  auth: 3,
  replicas: 3,
  cluster: 3,
  exec: 4,
  workspace: 5,
  http: 6,
  runtime: 7,
  'index.ts': 7,
  'host.ts': 7,
  'cli.ts': 7,
};
/** What src/main may import from the server. */
const FRONT_DOOR = ['src/server/index.ts', 'src/server/host.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The modules a file imports (static, re-exports and dynamic), relative ones resolved to .ts files. */
function importsOf(file: string): { spec: string; target?: string }[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map(
    (match) => match[1]!,
  );
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return { spec };
    const resolved = path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts');
    return { spec, target: resolved.split(path.sep).join('/') };
  });
}

const layerOf = (file: string): string => path.relative('src/server', file).split(path.sep)[0]!;

describe('the source tree', () => {
  const server = sourceFiles('src/server');

  it('places every folder and top-level file of src/server in a layer', () => {
    const unplaced = [...new Set(server.map(layerOf))].filter((layer) => !(layer in SERVER_LAYERS));
    expect(unplaced).toEqual([]);
  });

  it('src/server: every import points down the pipeline (core → … → http → index)', () => {
    const upward: string[] = [];
    for (const file of server) {
      const from = layerOf(file);
      for (const { target } of importsOf(file)) {
        if (!target?.startsWith('src/server/')) continue;
        const to = layerOf(target);
        if (SERVER_LAYERS[to]! > SERVER_LAYERS[from]!) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('src/server never imports electron, and never anything from src/main or src/renderer', () => {
    const wrong = server.flatMap((file) =>
      importsOf(file)
        .filter(
          ({ spec, target }) =>
            spec === 'electron' || target?.startsWith('src/main/') || target?.startsWith('src/renderer/'),
        )
        .map(({ spec }) => `${file} → ${spec}`),
    );
    expect(wrong).toEqual([]);
  });

  it('src/main uses the server through its front door only (index.ts, host.ts)', () => {
    const inside = sourceFiles('src/main').flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => target?.startsWith('src/server/') && !FRONT_DOOR.includes(target))
        .map(({ target }) => `${file} → ${target}`),
    );
    expect(inside).toEqual([]);
  });

  it('src/renderer and src/preload reach the server only through src/shared', () => {
    const wrong = [...sourceFiles('src/renderer'), ...sourceFiles('src/preload')].flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => target?.startsWith('src/server/') || target?.startsWith('src/main/'))
        .map(({ target }) => `${file} → ${target}`),
    );
    expect(wrong).toEqual([]);
  });
});

/** Source text without its comments (an example in a doc comment is not code). */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('the error catalogue', () => {
  it('is the only place a code is defined: every code the server writes is in ERRORS', async () => {
    const { ERRORS } = await import('../src/shared/contract.js');
    const written = sourceFiles('src/server').flatMap((file) =>
      [
        ...withoutComments(readFileSync(file, 'utf8')).matchAll(
          /(?:new HttpError\(\s*|\bcode: )'([A-Z][A-Z_]+)'|code === '([A-Z][A-Z_]+)'/g,
        ),
      ].map((match) => ({ file, code: (match[1] ?? match[2])! })),
    );
    expect(written.length).toBeGreaterThan(20);
    // Node's and llhttp's own codes (ENAMETOOLONG, HPE_…) are read, not written: only ours count.
    const ours = written.filter(
      ({ code }) => !/^(?:E[A-Z]+|HPE_[A-Z_]+|ERR_[A-Z_]+|MODULE_NOT_FOUND)$/.test(code),
    );
    expect(ours.filter(({ code }) => !(code in ERRORS))).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('names every folder and top-level file of src/server', () => {
    const doc = readFileSync('docs/architecture.md', 'utf8');
    const missing = Object.keys(SERVER_LAYERS).filter(
      (layer) => !doc.includes(layer.endsWith('.ts') ? `\`${layer}\`` : `\`${layer}/\``),
    );
    expect(missing).toEqual([]);
  });
});

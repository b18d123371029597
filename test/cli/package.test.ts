// The package as a user gets it: `npm pack`, installed into an empty folder, then `npx
// api-deploy init`, `check` and `serve` there, and the container image's entry command and
// HEALTHCHECK run from that install (Docker itself cannot run here).
//
// Offline: `npm install <tarball>` resolves the tarball's dependencies from the registry's
// package documents, which `npm ci` never fetches, so an offline install fails here with
// ENOTCACHED (npm-shrinkwrap.json in the tarball does not change that). The test lays the
// tarball out as npm installs it instead: its files, as packed, in node_modules/api-deploy, the
// `api-deploy` bin linked in node_modules/.bin, and the package's dependencies from this
// repository's node_modules (linked as the package's own node_modules). What that cannot show,
// a dependency missing from "dependencies", is checked on the bundle's imports below.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl, type CliRun } from '../helpers/cli.js';

const run = promisify(execFile);
const REPO = path.resolve('.');
const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

let root: string;
let app: string;
let installed: string;
let packedFiles: string[];
const children: CliRun[] = [];

/** Runs the installed `api-deploy` bin (through its shebang, as a shell would), in the app folder. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(path.join(app, 'node_modules/.bin/api-deploy'), args, {
    cwd: app,
    env: { ...process.env, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

function spawnCli(command: string, args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(command, args, {
    cwd: app,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = { child, stdout: () => stdout, stderr: () => stderr, exited };
  children.push(started);
  return started;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'api-deploy-pack-'));
  // The global setup built out/; `prepack` would build it again.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
    cwd: REPO,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed!.files.map((file) => file.path);
  app = path.join(root, 'app');
  installed = path.join(app, 'node_modules/api-deploy');
  await mkdir(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(root, packed!.filename), '-C', installed, '--strip-components=1']);
  await symlink(path.join(REPO, 'node_modules'), path.join(installed, 'node_modules'), 'dir');
  await mkdir(path.join(app, 'node_modules/.bin'));
  await symlink(
    path.join('../api-deploy', packageJson.bin['api-deploy']!),
    path.join(app, 'node_modules/.bin/api-deploy'),
  );
  await chmod(path.join(installed, packageJson.bin['api-deploy']!), 0o755);
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the built server, panel, declaration and template, and no sources or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'apis/template.ts',
      'out/server/cli.js',
      'out/server/worker.js',
      'out/server/package.json',
      'out/server/api-deploy.d.ts',
      'out/renderer/index.html',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(
      packedFiles.filter((file) => /^(src|test|bench|scripts|deploy|node_modules)\//.test(file)),
    ).toEqual([]);
  });

  it('has a bin that starts with a shebang, and every package the bundles import is a dependency', async () => {
    expect(packageJson.bin).toEqual({ 'api-deploy': 'out/server/cli.js' });
    const cliText = await readFile(path.join(installed, 'out/server/cli.js'), 'utf8');
    expect(cliText.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const builtins = new Set(builtinModules);
    for (const bundle of ['cli.js', 'worker.js']) {
      const text = await readFile(path.join(installed, 'out/server', bundle), 'utf8');
      const imported = [...text.matchAll(/^import\s[^'"]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)]
        .map((match) => (match[1] ?? match[2])!)
        .filter((spec) => !spec.startsWith('node:') && !spec.startsWith('.') && !builtins.has(spec))
        .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!));
      for (const name of new Set(imported))
        expect(packageJson.dependencies, `${bundle} imports ${name}`).toHaveProperty(name);
    }
  });

  it('--version and --help', async () => {
    expect((await cli(['--version'])).stdout.trim()).toBe(packageJson.version);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init [DIR]', 'serve [DIR]', 'check [DIR]'])
      expect(help.stdout).toContain(command);
    const wrong = await cli(['deploy']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown command "deploy"');
  });

  it('npx api-deploy init ws, check ws, serve ws: the seed curl answers with the token init printed', async () => {
    const made = await run('npx', ['--offline', '--no-install', 'api-deploy', 'init', 'ws'], { cwd: app });
    for (const file of ['api-deploy.config.json', 'apis/template.ts', 'tsconfig.json', '.gitignore']) {
      expect(made.stdout).toContain(`  ${file}\n`);
    }
    const admin = /Admin token: +(\S+)/.exec(made.stdout)?.[1];
    const business = /Business token: +(\S+)/.exec(made.stdout)?.[1];
    expect(admin).toMatch(/^adt_[\w-]{43}$/);
    expect(business).toMatch(/^adt_[\w-]{43}$/);
    const ws = path.join(app, 'ws');
    expect(await readFile(path.join(ws, 'apis/template.ts'), 'utf8')).toBe(
      await readFile('apis/template.ts', 'utf8'),
    );
    expect((await readFile(path.join(ws, '.gitignore'), 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['logs/', 'api-deploy.secrets.json', '.api-deploy/']),
    );
    const config = JSON.parse(await readFile(path.join(ws, 'api-deploy.config.json'), 'utf8'));
    expect(config.adminTokens).toEqual([{ token: admin, label: 'admin' }]);

    // a second init refuses, and changes nothing
    const again = await cli(['init', 'ws']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(JSON.parse(await readFile(path.join(ws, 'api-deploy.config.json'), 'utf8'))).toEqual(config);

    const checked = await cli(['check', 'ws']);
    expect(checked, checked.stderr).toMatchObject({ code: 0 });
    expect(checked.stdout).toContain('1 module(s) in ws/apis: no problems');

    const server = spawnCli(path.join(app, 'node_modules/.bin/api-deploy'), [
      'serve',
      'ws',
      '--port',
      '0',
      '--quiet',
    ]);
    const url = await serverUrl(server);
    // the seed's curl
    const answer = await fetch(`${url}/template/sync_hello`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: business, body: { name: 'npm' } }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, data: { message: 'Hello, npm!' } });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // the panel is in the package too
    expect((await fetch(`${url}/panel/`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('check exits 1 on a broken module with file:line:col message, and on a bad parameter type', async () => {
    await run(path.join(app, 'node_modules/.bin/api-deploy'), ['init', 'broken'], { cwd: app });
    await writeFile(path.join(app, 'broken/apis/oops.ts'), 'export const x = ;\n');
    await writeFile(
      path.join(app, 'broken/apis/params.ts'),
      "import { apiFunction } from 'api-deploy';\nexport const f = apiFunction((a: Map<string, number>) => a);\n",
    );
    await writeFile(path.join(app, 'broken/apis/api.ts'), 'export const y = 1;\n');
    const checked = await cli(['check', 'broken']);
    expect(checked.code).toBe(1);
    expect(checked.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `broken/apis/api.ts:1:1 the name "api" is reserved for the runtime's own routes; rename the file or folder`,
        'broken/apis/oops.ts:1:18 Unexpected ";"',
        expect.stringMatching(/^broken\/apis\/params\.ts:2:\d+ f: type "Map<string, number>" cannot be read/),
      ]),
    );
    expect(checked.stderr).toContain('3 problem(s)');
    // a folder that is no workspace says how to make one
    const none = await cli(['check', 'nowhere']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('api-deploy init nowhere');
  });

  it("gives editors api-deploy's and zod's types through the workspace's tsconfig.json", async () => {
    await run(path.join(app, 'node_modules/.bin/api-deploy'), ['init', 'typed'], { cwd: app });
    await writeFile(
      path.join(app, 'typed/apis/area.ts'),
      `import { apiFunction, ApiError } from 'api-deploy';
import { z } from 'zod';
export const area = apiFunction({ params: z.object({ w: z.number(), h: z.number() }) }, ({ w, h }) => {
  if (w > 1e6) throw new ApiError('too wide', { status: 400, code: 'TOO_WIDE' });
  return { area: w * h };
});
`,
    );
    const tsc = path.join(installed, 'node_modules/typescript/bin/tsc');
    const clean = await run(process.execPath, [tsc, '-p', 'typed/tsconfig.json'], { cwd: app }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(clean).toBe('');
    // and the types are real: a misuse is an error
    await writeFile(
      path.join(app, 'typed/apis/wrong.ts'),
      "import { apiFunction } from 'api-deploy';\nexport const w = apiFunction(42);\n",
    );
    const wrong = await run(process.execPath, [tsc, '-p', 'typed/tsconfig.json'], { cwd: app }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(wrong).toMatch(/apis\/wrong\.ts\(2,\d+\): error TS/);
  });

  it("runs the image's entry command and HEALTHCHECK from the install (first start makes the workspace)", async () => {
    const dockerfile = await readFile('Dockerfile', 'utf8');
    const exec = (instruction: string) => {
      const line = dockerfile
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .find((candidate) => candidate.startsWith(`${instruction} `));
      return JSON.parse(line!.slice(line!.indexOf('['))) as string[];
    };
    // ENTRYPOINT ["node", "/app/out/server/cli.js"], CMD ["serve", "/workspace", "--init"]
    const workspace = path.join(root, 'volume');
    const command = [...exec('ENTRYPOINT'), ...exec('CMD')].map((part) =>
      part.replace(/^\/app\//, `${installed}/`).replace(/^\/workspace$/, workspace),
    );
    expect(command[0]).toBe('node');
    const adminToken = `adt_${'k8sSecretValue0123456789abcdefghijklmnopqrst'}`;
    const env = {
      // the image's ENV, but on loopback for the test (0.0.0.0 behaves the same to the server)
      API_DEPLOY_HOST: '127.0.0.1',
      API_DEPLOY_PORT: '0',
      API_DEPLOY_ADMIN_TOKEN: adminToken,
    };
    const server = spawnCli(process.execPath, command.slice(1), env);
    const url = await serverUrl(server);
    // made with the orchestrator's admin token (not printed), and a fresh business token
    expect(server.stdout()).not.toContain(adminToken);
    expect(server.stdout()).toMatch(/Business token: +adt_/);
    const config = JSON.parse(await readFile(path.join(workspace, 'api-deploy.config.json'), 'utf8'));
    expect(config.adminTokens[0].token).toBe(adminToken);
    const status = await fetch(`${url}/api/status`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(status.status).toBe(200);

    // HEALTHCHECK CMD ["node", "-e", "fetch(... /healthz ...)"], with the port the server got
    const healthcheck = /^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(dockerfile.replace(/\\\n\s*/g, ' '))!;
    const probe = JSON.parse(healthcheck[1]!) as string[];
    expect(probe[0]).toBe('node');
    const port = new URL(url).port;
    const healthy = await run(process.execPath, probe.slice(1), {
      env: { ...process.env, API_DEPLOY_PORT: port },
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(healthy).toBe(0);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // the probe fails once the server is gone
    const gone = await run(process.execPath, probe.slice(1), {
      env: { ...process.env, API_DEPLOY_PORT: port },
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(gone).toBe(1);
    // a second start keeps the workspace (and its tokens) as it is
    const again = spawnCli(process.execPath, command.slice(1), env);
    await serverUrl(again);
    expect(again.stdout()).not.toContain('Made a workspace');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('npm run serve still serves without a command (its flags as before)', async () => {
    const ws = path.join(app, 'ws');
    const server = spawnCli(process.execPath, [
      path.join(REPO, 'out/server/cli.js'),
      '--config',
      path.join(ws, 'api-deploy.config.json'),
      '--port',
      '0',
    ]);
    const url = await serverUrl(server);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});

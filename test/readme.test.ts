import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigSource } from '../src/server/config/load.js';
import { createRuntime, type Runtime } from '../src/server/index.js';
import { makeWorkspace } from './helpers/server.js';

const run = promisify(execFile);
const README = readFileSync('README.md', 'utf8');
const blocks = (language: string) =>
  [...README.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);

/** The README's curl commands (continuation lines joined), each with the output shown after it, if any. */
function curlCommands(): { command: string; expected?: string }[] {
  const commands: { command: string; expected?: string }[] = [];
  for (const block of blocks('bash')) {
    const lines = block.replace(/\\\n\s*/g, '').split('\n');
    lines.forEach((line, index) => {
      if (!line.startsWith('curl ')) return;
      const next = lines[index + 1];
      commands.push({ command: line, expected: next?.startsWith('# {') ? next.slice(2) : undefined });
    });
  }
  return commands;
}

describe("the README's examples work as written", () => {
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    // The shipped config and template, plus every module the README shows (`// apis/x.ts` blocks).
    const dir = await makeWorkspace({ 'apis/template.ts': readFileSync('apis/template.ts', 'utf8') });
    const shipped = JSON.parse(readFileSync('api-deploy.config.json', 'utf8'));
    await writeFile(path.join(dir, 'api-deploy.config.json'), JSON.stringify({ ...shipped, port: 0 }));
    for (const block of blocks('ts')) {
      const name = /^\/\/ (apis\/\S+\.ts)/.exec(block)?.[1];
      if (name) await writeFile(path.join(dir, name), block);
    }
    const source = resolveConfigSource({ config: path.join(dir, 'api-deploy.config.json') }, {});
    runtime = createRuntime({ config: loadConfig(source), source });
    url = await runtime.start();
  });
  afterAll(() => runtime.stop());

  it('has curl examples to check', () => {
    expect(curlCommands().length).toBeGreaterThanOrEqual(6);
  });

  it('loads every module the README shows', () => {
    expect(runtime.generation.failures.size).toBe(0);
    expect(runtime.generation.endpoints.map((endpoint) => endpoint.path)).toEqual(
      expect.arrayContaining(['/template/sync_hello', '/template/async_hello', '/shop/price', '/shop/area']),
    );
  });

  for (const { command, expected } of curlCommands()) {
    it(command, async () => {
      const { stdout } = await run('bash', ['-c', `${command.replaceAll('http://127.0.0.1:8000', url)} -s`]);
      const answer = JSON.parse(stdout);
      expect(answer.success).toBe(true);
      if (expected) expect(answer).toEqual(JSON.parse(expected));
    });
  }
});

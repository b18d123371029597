import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** `npm pack` of a tiny package made here: a tarball npm installs without the registry. */
export async function packFixture(
  root: string,
  name: string,
  version: string,
  code: string,
): Promise<string> {
  const dir = path.join(root, `${name.replace('/', '__')}-${version}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  await writeFile(path.join(dir, 'index.js'), code);
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: dir })
    .toString()
    .trim()
    .split('\n')
    .pop()!;
  return path.join(root, file);
}

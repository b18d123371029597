import path from 'node:path';
import npa from 'npm-package-arg';
import validateName from 'validate-npm-package-name';
import { HttpError } from '../core/errors.js';

/** What to install: a registry package at a version, range or tag, or a local tarball. */
export interface PackageSpec {
  name: string;
  /** What `npm install` is given: `name@version` (never anything a shell would read). */
  spec: string;
  /** As package.json will hold it: `^1.2.0`, `latest`, `file:/…/x.tgz`. */
  wanted: string;
}

const refuse = (message: string, field = 'name') =>
  new HttpError('INVALID_PACKAGE', message, [{ path: field, message }]);

/** A package's name by npm's rules (old names with capitals included), or a clear 400. */
export function checkPackageName(name: string): string {
  const verdict = validateName(name);
  if (!verdict.validForOldPackages || name.startsWith('-')) {
    const why = [...(verdict.errors ?? []), ...(name.startsWith('-') ? ['name cannot start with -'] : [])];
    throw refuse(`"${name}" is not a valid npm package name: ${why.join('; ')}`);
  }
  return name;
}

/**
 * Checks a name and an optional version before anything runs: the version is a semver
 * version, range or dist-tag from the registry, or `file:` and the absolute path of a packed
 * tarball (`npm pack`). Git, URLs, folders and aliases are refused: what a workspace installs
 * is what a registry or a reviewed tarball holds.
 */
export function parsePackageSpec(name: string, version?: string): PackageSpec {
  checkPackageName(name);
  const wanted = version?.trim() || 'latest';
  let parsed: npa.Result;
  try {
    parsed = npa.resolve(name, wanted);
  } catch (error) {
    throw refuse(`"${wanted}" is not a version, range or tag: ${(error as Error).message}`, 'version');
  }
  if (parsed.type === 'file') {
    const file = wanted.slice('file:'.length);
    if (!wanted.startsWith('file:') || !path.isAbsolute(file) || !/\.(tgz|tar\.gz)$/.test(file)) {
      throw refuse('a local package is file: and the absolute path of a .tgz made by npm pack', 'version');
    }
  } else if (!['version', 'range', 'tag'].includes(parsed.type)) {
    throw refuse(
      `"${wanted}" is a ${parsed.type} spec: give a version, a range, a tag, or file: and a .tgz`,
      'version',
    );
  }
  return { name, spec: `${name}@${wanted}`, wanted };
}

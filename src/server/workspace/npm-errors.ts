/**
 * npm's failure in plain words, from the `npm error code …` line of its output: the few causes
 * a person can act on, and npm's own summary line otherwise.
 */
export function plainNpmError(
  output: readonly string[],
  exitCode: number | null,
  name: string,
  wanted?: string,
): string {
  const text = output.join('\n');
  const code = /npm (?:error|ERR!) code (\S+)/.exec(text)?.[1];
  const what = wanted && wanted !== 'latest' ? `${name}@${wanted}` : name;
  switch (code) {
    case 'E404':
      return `npm has no package named ${name}: check the spelling (names are lower-case)`;
    case 'ETARGET':
      return `No version of ${name} matches ${wanted}: see its versions on npmjs.com`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
      return `The npm registry cannot be reached (${code}): is this machine offline, or behind a proxy npm is not told about?`;
    case 'ENOENT':
      return `npm could not find a file it needed for ${what}${wanted?.startsWith('file:') ? ': does the tarball exist?' : ''}`;
    case 'EACCES':
    case 'EPERM':
      return `npm was not allowed to write the workspace's packages folder (${code})`;
    case 'ERESOLVE':
      return `${what} needs versions of other packages that conflict with those installed`;
    case 'EINTEGRITY':
      return `The download of ${what} is corrupt (integrity check failed): try again`;
  }
  if (exitCode === null) return `npm was stopped before ${what} was done`;
  if (exitCode === -1) return 'npm could not be started';
  const summary = output
    .filter((line) => /npm (?:error|ERR!)/.test(line))
    .find((line) => !/ code |^npm error (A complete log|$)/.test(line));
  return `npm failed for ${what} (exit ${exitCode})${summary ? `: ${summary.replace(/^npm (error|ERR!)\s*/, '')}` : ''}`;
}

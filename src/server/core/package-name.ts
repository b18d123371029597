import { isBuiltin } from 'node:module';

/**
 * The package a bare import names (`dayjs/plugin/utc` → `dayjs`, `@scope/pkg/x` → `@scope/pkg`);
 * none for a relative or absolute path or a Node built-in.
 */
export function packageNameOf(id: string): string | undefined {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('node:') || isBuiltin(id)) return undefined;
  const parts = id.split('/');
  return id.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

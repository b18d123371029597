/**
 * What the command palette offers (views, endpoints to try, files to edit) and how a query
 * picks among them: plain data and functions, so they are tested without a DOM.
 */
import type { FileEntry, Registry } from '../../../shared/admin-api.js';
import { editorHref } from '../links.js';
import type { NavItem } from '../nav.js';

export type CommandKind = 'view' | 'endpoint' | 'file';

export interface Command {
  kind: CommandKind;
  /** What is shown and searched. */
  label: string;
  /** Where choosing it goes. */
  href: string;
  /** Said beside the label: what choosing it does. */
  hint: string;
}

export function commandsOf(
  nav: readonly NavItem[],
  registry: Registry | undefined,
  files: FileEntry[] | undefined,
): Command[] {
  const views = nav.map(({ label, href }) => ({ kind: 'view' as const, label, href, hint: 'Go to' }));
  const endpoints = (registry?.modules ?? []).flatMap((module) =>
    module.endpoints.map(({ path }) => ({
      kind: 'endpoint' as const,
      label: path,
      href: `/try${path}`,
      hint: 'Try',
    })),
  );
  const edits = filesOf(files ?? []).map((path) => ({
    kind: 'file' as const,
    label: path,
    href: editorHref(path),
    hint: 'Edit',
  }));
  return [...views, ...endpoints, ...edits];
}

function filesOf(entries: FileEntry[]): string[] {
  return entries.flatMap((entry) => (entry.type === 'file' ? [entry.path] : filesOf(entry.children)));
}

/**
 * The commands a query matches, best first: a label that starts with it, then one containing
 * it, then one holding its characters in order (`tsh` finds `/template/sync_hello`). Case is
 * ignored; an empty query keeps them all in their order.
 */
export function matchCommands(commands: readonly Command[], query: string): Command[] {
  const wanted = query.trim().toLowerCase();
  if (!wanted) return [...commands];
  const ranked: { command: Command; rank: number; index: number }[] = [];
  commands.forEach((command, index) => {
    const rank = rankOf(command.label.toLowerCase(), wanted);
    if (rank !== undefined) ranked.push({ command, rank, index });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ command }) => command);
}

function rankOf(label: string, wanted: string): number | undefined {
  // A path matches its parts too: `sync` starts the segment `sync_hello`.
  if (label.startsWith(wanted) || label.split(/[/._-]/).some((part) => part.startsWith(wanted))) return 0;
  if (label.includes(wanted)) return 1;
  let from = 0;
  for (const character of wanted) {
    from = label.indexOf(character, from) + 1;
    if (from === 0) return undefined;
  }
  return 2;
}

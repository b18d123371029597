import { isDeepStrictEqual } from 'node:util';
import { parseTree, type Node } from 'jsonc-parser';

/** A replacement of `length` characters at `offset`. */
interface Edit {
  offset: number;
  length: number;
  content: string;
}

/**
 * The JSON `text` (whose value is `before`) changed to hold `after`, touching only the values
 * that differ: everything else keeps its place, spacing and style. An array written on one line
 * stays on one line when an item is added or removed; a new item in a multi-line array gets its
 * own line at its neighbours' indentation. Falls back to writing the whole value when the text
 * is not the JSON of `before`.
 */
export function editJsonText(text: string, before: unknown, after: unknown): string {
  const root = parseTree(text);
  if (!root || !isDeepStrictEqual(valueOf(root), before)) return `${JSON.stringify(after, null, 2)}\n`;
  const edits: Edit[] = [];
  diff(text, root, before, after, edits, indentUnit(text));
  // From the end, so each edit's offsets still hold.
  let edited = text;
  for (const edit of edits.sort((a, b) => b.offset - a.offset)) {
    edited = edited.slice(0, edit.offset) + edit.content + edited.slice(edit.offset + edit.length);
  }
  return edited;
}

function diff(text: string, node: Node, before: unknown, after: unknown, edits: Edit[], unit: string): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isObject(before) && isObject(after) && node.type === 'object') {
    const properties = node.children ?? [];
    const removed = properties.filter((property) => !(keyOf(property) in after));
    // A change that leaves no property of the old ones is a new value: written whole.
    if (removed.length < properties.length || properties.length === 0) {
      for (const property of removed) edits.push(removal(node, property));
      for (const property of properties) {
        const key = keyOf(property);
        if (key in after) diff(text, property.children![1]!, before[key], after[key], edits, unit);
      }
      const added = Object.keys(after).filter((key) => !(key in before));
      if (added.length > 0) {
        const style = itemStyle(text, node, unit);
        const items = added.map((key) => `${JSON.stringify(key)}: ${serialize(after[key], style)}`);
        edits.push(append(text, node, items, style));
      }
      return;
    }
  }
  if (Array.isArray(before) && Array.isArray(after) && node.type === 'array' && before.length > 0) {
    const items = node.children ?? [];
    const kept = subsequence(before, after);
    if (kept && after.length > 0) {
      for (const [index, item] of items.entries()) if (!kept.has(index)) edits.push(removal(node, item));
      return;
    }
    const prefix =
      after.length > before.length && before.every((item, i) => isDeepStrictEqual(item, after[i]));
    if (prefix) {
      const style = itemStyle(text, node, unit);
      const added = after.slice(before.length).map((item) => serialize(item, style));
      edits.push(append(text, node, added, style));
      return;
    }
  }
  const style = { multiline: isMultiline(text, node), indent: lineIndent(text, node.offset), unit };
  edits.push({ offset: node.offset, length: node.length, content: serialize(after, style) });
}

/** How a value is written: on one line, or over several lines each starting with `indent`. */
interface Style {
  multiline: boolean;
  indent: string;
  unit: string;
}

/** The style of a new item of `container`: its items' (the last one's indentation). */
function itemStyle(text: string, container: Node, unit: string): Style {
  const last = container.children?.at(-1);
  const indent = last ? lineIndent(text, last.offset) : lineIndent(text, container.offset) + unit;
  return { multiline: isMultiline(text, container), indent, unit };
}

/** The indexes of `before` that `after` keeps, when `after` is `before` with items taken out. */
function subsequence(before: unknown[], after: unknown[]): Set<number> | undefined {
  const kept = new Set<number>();
  let next = 0;
  for (const [index, item] of before.entries()) {
    if (next < after.length && isDeepStrictEqual(item, after[next])) {
      kept.add(index);
      next++;
    }
  }
  return next === after.length && kept.size < before.length ? kept : undefined;
}

/** Takes out an item (or property) with the separator before or after it. */
function removal(container: Node, item: Node): Edit {
  const items = container.children!;
  const index = items.indexOf(item);
  if (items.length === 1) return { offset: item.offset, length: item.length, content: '' };
  if (index < items.length - 1) {
    const next = items[index + 1]!;
    return { offset: item.offset, length: next.offset - item.offset, content: '' };
  }
  const previous = items[index - 1]!;
  const from = previous.offset + previous.length;
  return { offset: from, length: item.offset + item.length - from, content: '' };
}

/** Adds items after the last one of `container`, one a line where it is multi-line. */
function append(text: string, container: Node, items: string[], style: Style): Edit {
  const last = container.children?.at(-1);
  if (!last) {
    // An empty container: its items go between the brackets, in its style.
    const open = container.offset + 1;
    const close = container.offset + container.length - 1;
    const content = style.multiline
      ? `\n${items.map((item) => style.indent + item).join(',\n')}\n${lineIndent(text, container.offset)}`
      : items.join(', ');
    return { offset: open, length: close - open, content };
  }
  const separator = style.multiline ? `,\n${style.indent}` : ', ';
  return {
    offset: last.offset + last.length,
    length: 0,
    content: items.map((item) => separator + item).join(''),
  };
}

/** A value's text in a style: on one line, or JSON indented from `indent`. */
function serialize(value: unknown, style: Style): string {
  if (!style.multiline) return inline(value);
  return JSON.stringify(value, null, style.unit).replaceAll('\n', `\n${style.indent}`);
}

/** JSON on one line, spaced as people write it: `{ "a": 1, "b": [1, 2] }`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${inline(item)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isMultiline(text: string, node: Node): boolean {
  return text.slice(node.offset, node.offset + node.length).includes('\n');
}

/** The whitespace that starts the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The file's indentation step: its first indented line's, else two spaces. */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

function keyOf(property: Node): string {
  return String(property.children![0]!.value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueOf(node: Node): unknown {
  if (node.type === 'object')
    return Object.fromEntries((node.children ?? []).map((p) => [keyOf(p), valueOf(p.children![1]!)]));
  if (node.type === 'array') return (node.children ?? []).map(valueOf);
  return node.value;
}

/** The panel's monospace font (styles.css `--mono`), for Monaco's options. */
export function monoFont(): string {
  const font = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim();
  return font || 'ui-monospace, Menlo, Consolas, monospace';
}

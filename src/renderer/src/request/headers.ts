/**
 * The request panel's extra headers: rows of name and value, sent with the call after the
 * panel's own (`content-type`, and `authorization` from the token choice). A name the panel or
 * the browser sets, or one that is not a header name, is refused with a sentence saying why.
 */

export interface HeaderRow {
  name: string;
  value: string;
}

/** RFC 9110's token: what a header name is made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Names the panel sets itself, and why. */
const PANEL_SET: Record<string, string> = {
  authorization: 'is sent from the Token choice above',
  'content-type': 'is always application/json',
  'x-api-deploy-source': "marks the panel's own requests in the logs",
};

/** Names browsers set themselves and never let a page send (the Fetch standard's forbidden ones). */
const BROWSER_SET = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** The rows that say something: a row with neither name nor value is an empty line of the table. */
export const filledRows = (rows: readonly HeaderRow[]) =>
  rows.filter((row) => row.name.trim() !== '' || row.value !== '');

/** Why a header name cannot be sent, or undefined when it can. */
export function headerNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'A header with a value needs a name';
  if (!HEADER_NAME.test(trimmed))
    return `"${trimmed}" is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  const lower = trimmed.toLowerCase();
  if (PANEL_SET[lower]) return `${trimmed} ${PANEL_SET[lower]}`;
  if (BROWSER_SET.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-'))
    return `${trimmed} is set by the browser, never by a page`;
  return undefined;
}

/** Why a header value (as it goes out) cannot be sent, or undefined when it can. */
export function headerValueProblem(name: string, value: string): string | undefined {
  return /[\r\n\0]/.test(value) ? `${name.trim()} has a line break in its value` : undefined;
}

/** Every problem of the rows, in the table's order: names, values, and a name given twice. */
export function headerProblems(rows: readonly HeaderRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of filledRows(rows)) {
    const problem = headerNameProblem(row.name) ?? headerValueProblem(row.name, row.value);
    if (problem) problems.push(problem);
    const lower = row.name.trim().toLowerCase();
    if (lower && seen.has(lower)) problems.push(`${row.name.trim()} is given twice`);
    seen.add(lower);
  }
  return problems;
}

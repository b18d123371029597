// Edits of the config file touch only what changed: the rest keeps its text.
import { describe, expect, it } from 'vitest';
import { editJsonText } from '../../src/server/config/json-edit.js';

/** `text` edited by `change`, as the config store does it. */
function edit(text: string, change: (value: Record<string, unknown>) => void): string {
  const before = JSON.parse(text) as Record<string, unknown>;
  const after = structuredClone(before);
  change(after);
  const edited = editJsonText(text, before, after);
  expect(JSON.parse(edited)).toEqual(after);
  return edited;
}

const SHIPPED = `{
  "host": "127.0.0.1",
  "port": 8000,
  "validTokens": [{ "token": "your-business-token", "label": "example business token" }],
  "adminTokens": [{ "token": "your-admin-token", "label": "example admin token" }],
  "hotReload": true,
  "logging": {
    "enableRequestLogging": true,
    "logRotation": "1 day"
  }
}
`;

type Tokens = { validTokens: unknown[] };

describe('editJsonText', () => {
  it('adds a token to a one-line array on that line, and revoking it gives the file back as it was', () => {
    const token = { token: 'adt_new', label: 'ci', created: '2026-12-04T00:00:00.000Z' };
    const created = edit(SHIPPED, (config) => void (config as Tokens).validTokens.push(token));
    expect(created).toBe(
      SHIPPED.replace(
        '"example business token" }]',
        '"example business token" }, { "token": "adt_new", "label": "ci", "created": "2026-12-04T00:00:00.000Z" }]',
      ),
    );
    const revoked = edit(created, (config) => {
      (config as Tokens).validTokens = (config as Tokens).validTokens.slice(0, 1);
    });
    expect(revoked).toBe(SHIPPED);
  });

  it('adds and removes items of a multi-line array one a line, at their indentation', () => {
    const text =
      '{\n\t"adminTokens": [\n\t\t"first",\n\t\t{ "token": "b", "label": "x" }\n\t],\n\t"port": 1\n}\n';
    const added = edit(
      text,
      (config) => void (config.adminTokens as unknown[]).push({ token: 'c', label: 'y' }),
    );
    expect(added).toBe(
      '{\n\t"adminTokens": [\n\t\t"first",\n\t\t{ "token": "b", "label": "x" },\n\t\t{\n\t\t\t"token": "c",\n\t\t\t"label": "y"\n\t\t}\n\t],\n\t"port": 1\n}\n',
    );
    expect(edit(added, (config) => void (config.adminTokens as unknown[]).splice(2, 1))).toBe(text);
    expect(edit(text, (config) => void (config.adminTokens as unknown[]).splice(0, 1))).toBe(
      '{\n\t"adminTokens": [\n\t\t{ "token": "b", "label": "x" }\n\t],\n\t"port": 1\n}\n',
    );
  });

  it('changes a value in place, and adds or removes a key without touching the others', () => {
    expect(edit(SHIPPED, (config) => void (config.port = 9000))).toBe(SHIPPED.replace('8000', '9000'));
    const logging = (config: Record<string, unknown>) => config.logging as Record<string, unknown>;
    expect(edit(SHIPPED, (config) => void (logging(config).logRotation = '1 hour'))).toBe(
      SHIPPED.replace('"1 day"', '"1 hour"'),
    );
    const debug = edit(SHIPPED, (config) => void (config.debug = false));
    expect(debug).toBe(SHIPPED.replace('\n  }\n}', '\n  },\n  "debug": false\n}'));
    expect(edit(debug, (config) => void delete config.debug)).toBe(SHIPPED);
    expect(edit(SHIPPED, (config) => void delete config.host)).toBe(
      SHIPPED.replace('  "host": "127.0.0.1",\n', ''),
    );
  });

  it('fills an empty array in its style, and writes a replaced value whole', () => {
    const text = '{ "validTokens": [], "adminTokens": ["a"] }\n';
    expect(edit(text, (config) => void (config.validTokens = ['b']))).toBe(
      '{ "validTokens": ["b"], "adminTokens": ["a"] }\n',
    );
    expect(edit(text, (config) => void (config.adminTokens = ['c']))).toBe(
      '{ "validTokens": [], "adminTokens": ["c"] }\n',
    );
  });
});

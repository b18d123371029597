import { describe, expect, it } from 'vitest';
import { BODY_MODEL_URI, withBodySchema } from '../../src/renderer/src/request/body-schema.js';
import { parseBody, refusalOf } from '../../src/renderer/src/request/outgoing.js';
import { AREA, HELLO } from './helpers/fixtures.js';

const area = { path: AREA.path, params: AREA.params };

describe("the body editor's schema", () => {
  it("associates the endpoint's parameter schema with the body model, never fetching one", () => {
    const options = withBodySchema({ validate: false, allowComments: true, schemas: [] }, area);
    expect(options).toMatchObject({ validate: true, enableSchemaRequest: false, allowComments: true });
    expect(options.schemas).toEqual([
      {
        uri: 'api-deploy://params/geometry/area',
        fileMatch: [BODY_MODEL_URI],
        schema: { title: 'Parameters of /geometry/area', ...AREA.params },
      },
    ]);
  });

  it("replaces the previous endpoint's schema, keeps others' and drops its own when there is no endpoint", () => {
    const someoneElses = { uri: 'file:///schemas/config.json', fileMatch: ['*.config.json'] };
    const first = withBodySchema({ schemas: [someoneElses] }, area);
    const second = withBodySchema(first, { path: HELLO.path, params: HELLO.params });
    expect(second.schemas!.map((entry) => entry.uri)).toEqual([
      someoneElses.uri,
      'api-deploy://params/template/sync_hello',
    ]);
    expect(withBodySchema(second).schemas).toEqual([someoneElses]);
  });
});

describe('a body before it is sent', () => {
  it('is the parameters object, {} when empty', () => {
    expect(parseBody(' {"w": 2} ')).toEqual({ ok: true, value: { w: 2 } });
    expect(parseBody('  ')).toEqual({ ok: true, value: {} });
  });

  it('is refused, with a sentence saying why, when it is not JSON or not an object', () => {
    const notJson = parseBody('{"w": ');
    expect(notJson.ok).toBe(false);
    expect(refusalOf({ endpoint: AREA.path, body: notJson, pastedTokenMissing: false })).toMatch(
      /^Not sent: the body is not valid JSON: .+\.$/,
    );
    expect(refusalOf({ endpoint: AREA.path, body: parseBody('[1]'), pastedTokenMissing: false })).toBe(
      'Not sent: the body must be a JSON object (the parameters by name).',
    );
  });

  it('is refused without an endpoint or a pasted token, and sent otherwise', () => {
    const body = parseBody('{}');
    expect(refusalOf({ body, pastedTokenMissing: false })).toBe('Choose an endpoint first.');
    expect(refusalOf({ endpoint: AREA.path, body, pastedTokenMissing: true })).toMatch(/paste the token/);
    expect(refusalOf({ endpoint: AREA.path, body, pastedTokenMissing: false })).toBeUndefined();
  });
});

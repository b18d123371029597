import { describe, expect, it } from 'vitest';
import { BODY_MODEL_URI, withBodySchema } from '../../src/renderer/src/request/body-schema.js';
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

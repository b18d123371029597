import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/server/http/openapi.js';
import { Generation } from '../../src/server/load/registry.js';
import { ADMIN, startServer, type TestServer } from '../helpers/server.js';

/**
 * `GET /openapi.json` from a real server over both parameter styles, a sub-folder module whose
 * name is not a safe operationId, and a module that fails to load. The document is checked by
 * @readme/openapi-parser, which validates against the OpenAPI 3.1 schema, resolves every `$ref`
 * and checks rules the schema cannot (unique operationIds and the like).
 */

const SIGNATURE_MODULE = `
import { apiFunction } from 'api-deploy';

/**
 * Greets someone.
 * Says hello as often as asked.
 * @param name who to greet
 */
export const greet = apiFunction((name: string, times: number = 1) => ('Hello ' + name).repeat(times));
export const ping = apiFunction(() => 'pong');
`;

const ZOD_MODULE = `
import { apiFunction } from 'api-deploy';
import { z } from 'zod';

/** Computes an area. */
export const area = apiFunction(
  { params: z.object({ w: z.number().positive(), h: z.number().positive() }) },
  ({ w, h }) => ({ area: w * h }),
);

// Shared and recursive types: zod writes them as $defs and local $refs.
const Node = z.object({ name: z.string(), get children() { return z.array(Node).optional(); } });
const Tag = z.string().meta({ id: 'Tag' });
export const tree = apiFunction({ params: z.object({ root: Node, tags: z.array(Tag) }) }, (p) => p.root.name);
const List = z.object({ value: z.number(), get next() { return List.optional(); } });
export const list = apiFunction({ params: List }, (p) => p.value);
`;

const MODULES = {
  'apis/sig.ts': SIGNATURE_MODULE,
  'apis/shapes.ts': ZOD_MODULE,
  'apis/billing/in-voice.ts': `import { apiFunction } from 'api-deploy';\nexport const total = apiFunction((n: number) => n);\n`,
  'apis/broken.ts': `export const x = ;`,
};

const ERROR_STATUSES = ['400', '401', '404', '413', '422', '429', '500', '503', '504'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk whatever came back
type Doc = any;

/** Validates a copy (the parser dereferences what it is given) and says why it failed. */
async function check(document: Doc): Promise<{ valid: boolean; message: string }> {
  const result = await validate(structuredClone(document));
  return { valid: result.valid, message: result.valid ? '' : compileErrors(result) };
}

/** The schema of a component response, given the `$ref` an operation holds. */
function responseSchema(doc: Doc, response: { $ref: string }): Doc {
  const name = response.$ref.replace('#/components/responses/', '');
  return doc.components.responses[name].content['application/json'].schema;
}

describe('GET /openapi.json', () => {
  let server: TestServer;
  let doc: Doc;
  let status: Doc;
  const post = (path: string) => doc.paths[path].post;

  beforeAll(async () => {
    server = await startServer(MODULES);
    status = (await server.get('/')).json;
    const answer = await server.get('/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.json;
  });
  afterAll(() => server.stop());

  it('answers 200 as JSON without a token', async () => {
    const answer = await server.get('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'API Deploy', version: status.version },
    });
  });

  it('validates as OpenAPI 3.1', async () => {
    const result = await check(doc);
    expect(result.message).toBe('');
    expect(result.valid).toBe(true);
  });

  it('fails validation when the document is broken', async () => {
    const noVersion = structuredClone(doc);
    delete noVersion.info.version;
    expect((await check(noVersion)).valid).toBe(false);

    const badResponses = structuredClone(doc);
    badResponses.paths['/sig/greet'].post.responses = { '200': { content: {} } };
    expect((await check(badResponses)).valid).toBe(false);

    const danglingRef = structuredClone(doc);
    danglingRef.paths['/sig/greet'].post.responses['404'] = { $ref: '#/components/responses/Nope' };
    expect((await check(danglingRef)).valid).toBe(false);

    const sameIds = structuredClone(doc);
    sameIds.paths['/sig/ping'].post.operationId = sameIds.paths['/sig/greet'].post.operationId;
    expect((await check(sameIds)).valid).toBe(false);
  });

  it('has one POST path per business endpoint, and no other', () => {
    const paths = status.endpoints.map((endpoint: { path: string }) => endpoint.path).sort();
    expect(paths).toEqual([
      '/billing/in-voice/total',
      '/shapes/area',
      '/shapes/list',
      '/shapes/tree',
      '/sig/greet',
      '/sig/ping',
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual(paths);
    for (const path of paths) expect(Object.keys(doc.paths[path])).toEqual(['post']);
  });

  it('leaves out a module that failed to load', () => {
    expect(status.failedModules.map((failure: { module: string }) => failure.module)).toEqual(['broken']);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/broken'))).toEqual([]);
    expect(doc.tags.map((tag: { name: string }) => tag.name).sort()).toEqual([
      'billing/in-voice',
      'shapes',
      'sig',
    ]);
  });

  it('names operations by module and function, safely and uniquely, tagged by module', () => {
    expect(post('/sig/greet')).toMatchObject({ operationId: 'sig_greet', tags: ['sig'] });
    expect(post('/billing/in-voice/total')).toMatchObject({
      operationId: 'billing_in_voice_total',
      tags: ['billing/in-voice'],
    });
  });

  it('takes summary and description from the endpoint description', () => {
    expect(post('/sig/greet').summary).toBe('Greets someone.');
    expect(post('/sig/greet').description).toMatch(/^Greets someone\.\nSays hello as often as asked\./);
    expect(post('/shapes/area').summary).toBe('Computes an area.');
    expect(post('/sig/ping').summary).toBeUndefined();
  });

  it('describes the request envelope with the signature-style params as `body`', () => {
    const { requestBody } = post('/sig/greet');
    expect(requestBody.required).toBe(true);
    const schema = requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({
      type: 'object',
      properties: { token: { type: 'string' } },
      required: ['body'],
      additionalProperties: false,
    });
    const body = schema.properties.body;
    expect(body.type).toBe('object');
    expect(body.properties.name).toMatchObject({ type: 'string' });
    expect(body.properties.times).toMatchObject({ type: 'number', default: 1 });
    expect(body.required).toEqual(['name']);
    expect(JSON.stringify(doc)).not.toContain('$schema');
  });

  it('lets a call without required params omit the body', () => {
    const { requestBody } = post('/sig/ping');
    expect(requestBody.required).toBe(false);
    expect(requestBody.content['application/json'].schema.required).toBeUndefined();
  });

  it('describes zod-style params as their JSON Schema', () => {
    const body = post('/shapes/area').requestBody.content['application/json'].schema.properties.body;
    expect(body.properties.w).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
    expect(body.required).toEqual(['w', 'h']);
  });

  it("points zod's shared and recursive $refs at the endpoint's own schema", async () => {
    const resolved = await dereference(structuredClone(doc));
    const body = (resolved as Doc).paths['/shapes/tree'].post.requestBody.content['application/json'].schema
      .properties.body;
    expect(body.properties.tags.items).toMatchObject({ type: 'string' });
    const child = body.properties.root.properties.children.items;
    expect(child.properties.name).toMatchObject({ type: 'string' });
    expect(child.properties.children.items).toBe(child);
    const list = (resolved as Doc).paths['/shapes/list'].post.requestBody.content['application/json'].schema
      .properties.body;
    const next = list.properties.next;
    expect(next.properties.value).toMatchObject({ type: 'number' });
    expect(next.properties.next).toBe(next);
  });

  it('answers 200 with the success envelope', () => {
    const ok = post('/sig/greet').responses['200'];
    expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SuccessEnvelope' });
    expect(doc.components.schemas.SuccessEnvelope).toMatchObject({
      properties: { success: { const: true }, data: {}, endpoint: { type: 'string' } },
      required: ['success', 'data', 'endpoint'],
    });
  });

  it('lists the contract’s error responses, each an ErrorEnvelope', () => {
    const envelope = { $ref: '#/components/schemas/ErrorEnvelope' };
    for (const path of Object.keys(doc.paths)) {
      const { responses } = post(path);
      for (const code of ERROR_STATUSES) {
        expect(responses[code], `${path} ${code}`).toBeDefined();
        const schema = responseSchema(doc, responses[code]);
        expect(code === '422' ? schema.allOf[0] : schema).toEqual(envelope);
      }
    }
    const validation = responseSchema(doc, post('/sig/greet').responses['422']);
    expect(validation.allOf[1]).toEqual({ required: ['details'] });
    expect(doc.components.schemas.ErrorEnvelope).toMatchObject({
      properties: {
        success: { const: false },
        error: { type: 'string' },
        code: { type: 'string' },
        endpoint: { type: 'string' },
        details: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
      },
      required: ['success', 'error', 'code', 'endpoint'],
    });
    expect(doc.components.schemas.ErrorDetail.required).toEqual(['path', 'message']);
    expect(doc.components.responses.Error401.description).toMatch(/MISSING_TOKEN.*INVALID_TOKEN/);
  });

  it('declares bearer auth, with the body token as the alternative', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearerAuth.description).toMatch(/`token`/);
    for (const path of Object.keys(doc.paths)) {
      expect(post(path).security).toEqual([{ bearerAuth: [] }, {}]);
    }
  });

  it('follows a reload', async () => {
    await server.write(
      'apis/extra.ts',
      `import { apiFunction } from 'api-deploy';\nexport const one = apiFunction(() => 1);\n`,
    );
    expect((await server.post('/api/reload', { token: ADMIN })).status).toBe(200);
    const after = (await server.get('/openapi.json')).json;
    expect(after.paths['/extra/one'].post.operationId).toBe('extra_one');
    expect((await check(after)).valid).toBe(true);
  });
});

describe('openApiDocument', () => {
  it('describes an empty registry, with a server URL when given', async () => {
    const doc = openApiDocument(Generation.empty(), { version: '9.9.9', serverUrl: 'http://127.0.0.1:8000' });
    expect(doc).toMatchObject({
      paths: {},
      servers: [{ url: 'http://127.0.0.1:8000' }],
      info: { version: '9.9.9' },
    });
    expect((await check(doc)).valid).toBe(true);
  });
});

// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkBody,
  exampleBody,
  paramRows,
  typeLabel,
  type JsonSchema,
} from '../../src/renderer/src/schema.js';

/** A parameter schema as the runtime publishes it: zod 4's `toJSONSchema`, input side, no `$schema`. */
function published(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return jsonSchema as JsonSchema;
}

// The seed's greeting, signature style: `(name: string = 'World')`, closed object.
const HELLO = published(
  z.strictObject({ name: z.string().optional().meta({ default: 'World' }).describe('Who is greeted') }),
);

const ORDER = published(
  z.strictObject({
    item: z.string().describe('What is ordered'),
    quantity: z.number().int().default(1),
    size: z.enum(['S', 'M', 'L']),
    kind: z.literal('order'),
    express: z.boolean(),
    tags: z.array(z.string()),
    at: z.object({ x: z.number(), y: z.number() }),
    ref: z.union([z.string(), z.number()]),
    channel: z.union([z.literal('web'), z.literal('shop')]),
    note: z.string().nullable(),
    extra: z.unknown(),
    gift: z.boolean().optional(),
  }),
);

describe('paramRows', () => {
  it('shows a parameter with a default as optional, with its default and description', () => {
    expect(paramRows(HELLO)).toEqual([
      {
        name: 'name',
        type: 'string',
        required: false,
        default: 'World',
        hasDefault: true,
        description: 'Who is greeted',
      },
    ]);
  });

  it('marks required parameters, in the order of the schema', () => {
    const rows = paramRows(ORDER);
    expect(rows.map((row) => row.name)).toEqual([
      'item',
      'quantity',
      'size',
      'kind',
      'express',
      'tags',
      'at',
      'ref',
      'channel',
      'note',
      'extra',
      'gift',
    ]);
    const required = Object.fromEntries(rows.map((row) => [row.name, row.required]));
    expect(required).toEqual({
      item: true,
      quantity: false,
      size: true,
      kind: true,
      express: true,
      tags: true,
      at: true,
      ref: true,
      channel: true,
      note: true,
      extra: true,
      gift: false,
    });
    expect(rows.find((row) => row.name === 'item')).toMatchObject({
      hasDefault: false,
      description: 'What is ordered',
    });
    expect(rows.find((row) => row.name === 'quantity')).toMatchObject({
      type: 'integer',
      default: 1,
      hasDefault: true,
    });
  });

  it('a default makes a listed-as-required parameter optional, even a falsy default', () => {
    const rows = paramRows({
      type: 'object',
      properties: { on: { type: 'boolean', default: false }, n: { type: 'number' } },
      required: ['on', 'n'],
    });
    expect(rows[0]).toMatchObject({ name: 'on', required: false, hasDefault: true, default: false });
    expect(rows[1]).toMatchObject({ name: 'n', required: true, hasDefault: false });
  });

  it('has no rows for a function without parameters', () => {
    expect(paramRows(published(z.strictObject({})))).toEqual([]);
    expect(paramRows({})).toEqual([]);
  });
});

describe('typeLabel', () => {
  const types = Object.fromEntries(paramRows(ORDER).map((row) => [row.name, row.type]));

  it('names plain types', () => {
    expect(types.item).toBe('string');
    expect(types.quantity).toBe('integer');
    expect(types.express).toBe('boolean');
    expect(typeLabel({ type: 'number' })).toBe('number');
  });

  it('lists enum values and literals as JSON', () => {
    expect(types.size).toBe('"S" | "M" | "L"');
    expect(types.kind).toBe('"order"');
    expect(typeLabel(published(z.literal(3)))).toBe('3');
    expect(types.channel).toBe('"web" | "shop"');
  });

  it('joins unions, type lists and nullables with |', () => {
    expect(types.ref).toBe('string | number');
    expect(types.note).toBe('string | null');
    expect(typeLabel(published(z.union([z.literal('a'), z.number()])))).toBe('"a" | number');
  });

  it('names arrays by their items, bracketing a union', () => {
    expect(types.tags).toBe('string[]');
    expect(typeLabel(published(z.array(z.union([z.string(), z.number()]))))).toBe('(string | number)[]');
    expect(typeLabel(published(z.array(z.enum(['a', 'b']))))).toBe('("a" | "b")[]');
    expect(typeLabel(published(z.array(z.array(z.number()))))).toBe('number[][]');
    expect(typeLabel({ type: 'array' })).toBe('any[]');
  });

  it('names an object by its keys, and anything else as any', () => {
    expect(types.at).toBe('{ x, y }');
    expect(types.extra).toBe('any');
    expect(typeLabel(published(z.record(z.string(), z.number())))).toBe('object');
  });
});

describe('exampleBody', () => {
  it('starts from the defaults', () => {
    expect(exampleBody(HELLO)).toEqual({ name: 'World' });
  });

  it('puts a placeholder of the right type for each required parameter, and leaves out optional ones', () => {
    expect(exampleBody(ORDER)).toEqual({
      item: '',
      quantity: 1,
      size: 'S',
      kind: 'order',
      express: false,
      tags: [],
      at: { x: 0, y: 0 },
      ref: '',
      channel: 'web',
      note: '',
      extra: null,
    });
  });

  it('keeps falsy defaults', () => {
    expect(
      exampleBody(
        published(
          z.strictObject({
            on: z.boolean().default(false),
            n: z.number().default(0),
            s: z.string().default(''),
          }),
        ),
      ),
    ).toEqual({ on: false, n: 0, s: '' });
  });

  it('a body built from the example passes the check', () => {
    expect(checkBody(JSON.stringify(exampleBody(ORDER)), ORDER)).toEqual([]);
    expect(checkBody(JSON.stringify(exampleBody(HELLO)), HELLO)).toEqual([]);
  });
});

describe('checkBody', () => {
  const AREA = published(z.strictObject({ w: z.number().positive(), h: z.number().positive() }));

  it('accepts a good body', () => {
    expect(checkBody('{"w": 2, "h": 3}', AREA)).toEqual([]);
    expect(checkBody('{"name": "Ann"}', HELLO)).toEqual([]);
  });

  it('reports text that is not JSON, and nothing else', () => {
    const problems = checkBody('{"w": 2,', AREA);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Not valid JSON: /);
  });

  it('reports JSON that is not an object', () => {
    for (const text of ['[1, 2]', 'null', '42', '"w"', 'true']) {
      expect(checkBody(text, AREA), text).toEqual(['The body must be a JSON object']);
    }
  });

  it('takes an empty text as an empty body', () => {
    expect(checkBody('   ', HELLO)).toEqual([]);
    expect(checkBody('', AREA)).toEqual(['Missing parameter "w"', 'Missing parameter "h"']);
  });

  it('reports missing required parameters, not those with a default', () => {
    expect(checkBody('{"w": 1}', AREA)).toEqual(['Missing parameter "h"']);
    expect(checkBody('{}', HELLO)).toEqual([]);
    expect(
      checkBody('{}', {
        type: 'object',
        properties: { on: { type: 'boolean', default: true } },
        required: ['on'],
      }),
    ).toEqual([]);
  });

  it('reports an unknown parameter when the object is closed', () => {
    expect(checkBody('{"w": 1, "h": 2, "d": 3}', AREA)).toEqual(['Unknown parameter "d"']);
  });

  it('lets unknown parameters through when the object is open', () => {
    const open = published(z.object({ w: z.number() }));
    expect(open.additionalProperties).toBeUndefined();
    expect(checkBody('{"w": 1, "d": 3}', open)).toEqual([]);
  });

  it('reports an unknown parameter named like an Object.prototype member', () => {
    // The server refuses these as unknown keys; the check must not find them on the prototype.
    expect(checkBody('{"w": 1, "h": 2, "toString": 3}', AREA)).toEqual(['Unknown parameter "toString"']);
    expect(checkBody('{"w": 1, "h": 2, "constructor": {}}', AREA)).toEqual([
      'Unknown parameter "constructor"',
    ]);
  });

  it('reports top-level values of the wrong type, naming the expected type', () => {
    const body = {
      item: 5,
      quantity: 1.5,
      size: 'XL',
      kind: 'quote',
      express: 'yes',
      tags: 'a',
      at: [1, 2],
      ref: true,
      channel: 'fax',
      note: 3,
      extra: { any: 'thing' },
    };
    expect(checkBody(JSON.stringify(body), ORDER)).toEqual([
      '"item" should be string',
      '"quantity" should be integer',
      '"size" should be "S" | "M" | "L"',
      '"kind" should be "order"',
      '"express" should be boolean',
      '"tags" should be string[]',
      '"at" should be { x, y }',
      '"ref" should be string | number',
      '"channel" should be "web" | "shop"',
      '"note" should be string | null',
    ]);
  });

  it('accepts every member of a union, null for a nullable, anything for an unknown', () => {
    const base = exampleBody(ORDER);
    for (const patch of [
      { ref: 7 },
      { ref: 'r-7' },
      { note: null },
      { channel: 'shop' },
      { extra: [1, { a: 2 }] },
    ]) {
      expect(checkBody(JSON.stringify({ ...base, ...patch }), ORDER), JSON.stringify(patch)).toEqual([]);
    }
  });

  it('reports several problems at once', () => {
    expect(checkBody('{"w": "2", "x": 1}', AREA)).toEqual([
      'Missing parameter "h"',
      '"w" should be number',
      'Unknown parameter "x"',
    ]);
  });
});

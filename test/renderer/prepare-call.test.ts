import { describe, expect, it } from 'vitest';
import { parseBody, prepareCall, refusalOf } from '../../src/renderer/src/request/prepare-call.js';
import { AREA } from './helpers/fixtures.js';

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

describe('a call prepared', () => {
  const draft = {
    endpoint: '/template/sync_hello',
    baseUrl: '',
    bodyText: '{"name": "{{who}}"}',
    headers: [
      { name: ' X-Tenant ', value: '{{tenant}}' },
      { name: '', value: '' },
    ],
    environment: {
      name: 'dev',
      variables: [
        { name: 'who', value: 'Ann' },
        { name: 'tenant', value: 'acme' },
      ],
    },
    token: 'the-token',
    pastedTokenMissing: false,
  };

  it("is the request with the environment's variables in the body and the headers", () => {
    const call = prepareCall(draft);
    expect(call.refusal).toBeUndefined();
    expect(call.params).toEqual({ name: 'Ann' });
    expect(call.headers).toEqual([{ name: 'X-Tenant', value: 'acme' }]);
    expect(call.request).toEqual({
      method: 'POST',
      url: '/template/sync_hello',
      headers: [
        ['content-type', 'application/json'],
        ['authorization', 'Bearer the-token'],
        ['X-Tenant', 'acme'],
      ],
      body: '{"body":{"name":"Ann"}}',
    });
  });

  it('is refused, with nothing to send, for a variable no environment defines', () => {
    const call = prepareCall({ ...draft, environment: undefined });
    expect(call.request).toBeUndefined();
    expect(call.refusal).toBe(
      'Not sent: {{who}}, {{tenant}} are not defined: choose an environment that defines them.',
    );
  });

  it('is refused for a header a variable gives a line break', () => {
    const environment = {
      name: 'dev',
      variables: [...draft.environment.variables, { name: 'tenant', value: 'a\nb' }],
    };
    // The first definition of a name holds.
    expect(prepareCall({ ...draft, environment }).refusal).toBeUndefined();
    const broken = {
      name: 'dev',
      variables: [
        { name: 'who', value: 'Ann' },
        { name: 'tenant', value: 'a\nb' },
      ],
    };
    expect(prepareCall({ ...draft, environment: broken }).refusal).toBe(
      'Not sent: X-Tenant has a line break in its value.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { filledRows, headerProblems } from '../../src/renderer/src/request/headers.js';
import { describeRequest, MASK, outgoingRequest } from '../../src/renderer/src/request/outgoing-request.js';

describe("the request's extra headers", () => {
  it('sends well-formed names, and skips empty rows', () => {
    const rows = [
      { name: 'X-Tenant', value: 'acme' },
      { name: '', value: '' },
      { name: 'x-trace_id.1', value: '' },
    ];
    expect(headerProblems(rows)).toEqual([]);
    expect(filledRows(rows).map((row) => row.name)).toEqual(['X-Tenant', 'x-trace_id.1']);
  });

  it('refuses what is not a header name, and a value without a name', () => {
    expect(headerProblems([{ name: 'X Tenant', value: 'a' }])).toEqual([
      `"X Tenant" is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`,
    ]);
    expect(headerProblems([{ name: ' ', value: 'a' }])).toEqual(['A header with a value needs a name']);
  });

  it('refuses the headers the panel sets: the token comes from the token choice', () => {
    expect(headerProblems([{ name: 'Authorization', value: 'Bearer x' }])).toEqual([
      'Authorization is sent from the Token choice above',
    ]);
    expect(headerProblems([{ name: 'content-type', value: 'text/plain' }])).toEqual([
      'content-type is always application/json',
    ]);
    expect(headerProblems([{ name: 'X-Api-Deploy-Source', value: 'panel' }])).toHaveLength(1);
  });

  it('refuses the headers browsers never let a page set', () => {
    for (const name of [
      'Host',
      'Cookie',
      'Content-Length',
      'Origin',
      'Sec-Fetch-Mode',
      'Proxy-Authorization',
    ]) {
      expect(headerProblems([{ name, value: 'x' }])).toEqual([
        `${name} is set by the browser, never by a page`,
      ]);
    }
  });

  it('refuses a name given twice and a value with a line break', () => {
    expect(
      headerProblems([
        { name: 'X-Tenant', value: 'a' },
        { name: 'x-tenant', value: 'b' },
      ]),
    ).toEqual(['x-tenant is given twice']);
    expect(headerProblems([{ name: 'X-Note', value: 'a\r\nX-Evil: 1' }])).toEqual([
      'X-Note has a line break in its value',
    ]);
  });
});

describe('the request as it goes out', () => {
  const request = outgoingRequest({
    baseUrl: '',
    endpoint: '/geometry/area',
    params: { w: 2, h: 3 },
    token: 'the-token',
    headers: [{ name: ' X-Tenant ', value: 'acme' }],
  });

  it('is {"body": ...} with JSON, the token as Bearer, then the extra headers', () => {
    expect(request).toEqual({
      method: 'POST',
      url: '/geometry/area',
      headers: [
        ['content-type', 'application/json'],
        ['authorization', 'Bearer the-token'],
        ['X-Tenant', 'acme'],
      ],
      body: '{"body":{"w":2,"h":3}}',
    });
    expect(outgoingRequest({ baseUrl: 'http://127.0.0.1:8000', endpoint: '/a/b', params: {} })).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:8000/a/b',
      headers: [['content-type', 'application/json']],
      body: '{"body":{}}',
    });
  });

  it('is shown with the URL made absolute and every token value masked, wherever it is', () => {
    const leaky = outgoingRequest({
      baseUrl: '',
      endpoint: '/a/b',
      params: { note: 'admin-secret' },
      token: 'the-token',
      headers: [{ name: 'X-Key', value: 'k-admin-secret' }],
    });
    expect(describeRequest(leaky, 'http://127.0.0.1:8000', ['the-token', 'admin-secret', ''])).toBe(
      [
        'POST http://127.0.0.1:8000/a/b',
        'content-type: application/json',
        `authorization: Bearer ${MASK}`,
        `X-Key: k-${MASK}`,
        '',
        `{"body":{"note":"${MASK}"}}`,
      ].join('\n'),
    );
  });
});

// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import {
  readEnvironments,
  referencesIn,
  substitute,
  substituteInJson,
  unknownVariablesProblem,
  variableNameProblem,
  writeEnvironments,
} from '../../src/renderer/src/request/environments.js';

const KEY = 'api-deploy.environments';
const dev = {
  name: 'dev',
  variables: [
    { name: 'user', value: 'Ada "the first"' },
    { name: 'tenant', value: 'acme' },
  ],
};

describe('variables', () => {
  it('replace {{name}} in a text, spaces inside the braces allowed; unknown ones are listed and left', () => {
    expect(substitute('{{tenant}}/{{ user }}', dev.variables)).toEqual({
      value: 'acme/Ada "the first"',
      unknown: [],
    });
    expect(substitute('{{nope}} and {{nope}} and {{other}}', dev.variables)).toEqual({
      value: '{{nope}} and {{nope}} and {{other}}',
      unknown: ['nope', 'other'],
    });
    expect(referencesIn('{"a": "{{x}}", "{{y}}": "{{x}}"}')).toEqual(['x', 'y']);
  });

  it("replace inside the body's strings, keys and values, so the JSON stays JSON whatever the value", () => {
    expect(
      substituteInJson(
        { name: '{{user}}', tags: ['{{tenant}}', 1], '{{tenant}}_id': { n: null } },
        dev.variables,
      ),
    ).toEqual({
      value: { name: 'Ada "the first"', tags: ['acme', 1], acme_id: { n: null } },
      unknown: [],
    });
    expect(substituteInJson({ a: '{{missing}}' }, dev.variables).unknown).toEqual(['missing']);
  });

  it('that are unknown are named in the refusal', () => {
    expect(unknownVariablesProblem(['missing'], dev)).toBe(
      '{{missing}} is not defined in the environment "dev"',
    );
    expect(unknownVariablesProblem(['a', 'b'])).toBe(
      '{{a}}, {{b}} are not defined: choose an environment that defines them',
    );
    expect(unknownVariablesProblem([], dev)).toBeUndefined();
  });

  it('have names made for {{name}}, each once', () => {
    expect(variableNameProblem('baseUrl', [])).toBeUndefined();
    expect(variableNameProblem('base url', [])).toMatch(/is not a variable name/);
    expect(variableNameProblem('user', dev.variables)).toBe('user is defined twice');
  });
});

describe('stored environments', () => {
  beforeEach(() => localStorage.clear());

  it('are written and read back, variables without a valid name left out', () => {
    writeEnvironments({
      active: 'dev',
      environments: [{ ...dev, token: 'business', variables: [...dev.variables, { name: '', value: 'x' }] }],
    });
    expect(readEnvironments()).toEqual({ active: 'dev', environments: [{ ...dev, token: 'business' }] });
  });

  it('that do not fit the schema are dropped: storage is a boundary', () => {
    for (const stored of [
      'not json',
      JSON.stringify({ environments: [{ name: 'x', variables: [{ name: 'a', value: 1 }] }] }),
      JSON.stringify({ environments: [{ name: 'x', token: 'the-token-value', variables: [] }] }),
      JSON.stringify([dev]),
    ]) {
      localStorage.setItem(KEY, stored);
      expect(readEnvironments()).toEqual({ environments: [] });
    }
  });
});

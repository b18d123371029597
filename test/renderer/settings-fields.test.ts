// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { editableConfigSchema, editableLoggingSchema } from '../../src/shared/config-api.js';
import { changesOf, SETTING_GROUPS, toFormValues } from '../../src/renderer/src/settings-fields.js';
import { editableConfig } from './helpers/fixtures.js';

const fieldKeys = SETTING_GROUPS.flatMap((group) => group.fields.map((field) => field.key));

describe('the settings form fields', () => {
  it('cover every key the settings API lets the panel set, once', () => {
    const apiKeys = [
      ...Object.keys(editableConfigSchema.shape).filter((key) => key !== 'logging'),
      ...Object.keys(editableLoggingSchema.shape).map((key) => `logging.${key}`),
    ];
    expect([...fieldKeys].sort()).toEqual(apiKeys.sort());
    expect(new Set(fieldKeys).size).toBe(fieldKeys.length);
  });

  it('mark host, port and metricsPort as needing a restart (each is listened on once, at start)', () => {
    const restart = SETTING_GROUPS.flatMap((group) => group.fields)
      .filter((field) => field.restart)
      .map((field) => field.key);
    expect(restart.sort()).toEqual(['host', 'metricsPort', 'port']);
  });
});

describe('toFormValues', () => {
  it('gives text for text and numbers, booleans for switches, a line per list item', () => {
    const config = editableConfig();
    config.corsOrigins = ['http://a.test', 'http://b.test'];
    const values = toFormValues(config);
    expect(values).toMatchObject({
      host: '127.0.0.1',
      port: '8000',
      hotReload: true,
      debug: false,
      apisDir: 'apis',
      maxBodyBytes: '1048576',
      corsOrigins: 'http://a.test\nhttp://b.test',
      'logging.enableRequestLogging': true,
      'logging.logRequestBody': false,
      'logging.logMaxBodySize': '1000',
      'logging.logRotation': '1 day',
    });
    expect(Object.keys(values).sort()).toEqual([...fieldKeys].sort());
  });

  it('shows an empty list as an empty text', () => {
    expect(toFormValues({ ...editableConfig(), corsOrigins: [] }).corsOrigins).toBe('');
  });
});

describe('changesOf', () => {
  const config = editableConfig();
  const edit = (patch: Record<string, string | boolean>) =>
    changesOf(config, { ...toFormValues(config), ...patch });

  it('has nothing to send when nothing changed', () => {
    expect(changesOf(config, toFormValues(config))).toEqual({ changes: {}, problems: {} });
  });

  it('sends only the changed keys, numbers as numbers', () => {
    expect(edit({ port: '9000', debug: true, host: '0.0.0.0' })).toEqual({
      changes: { port: 9000, debug: true, host: '0.0.0.0' },
      problems: {},
    });
  });

  it('groups changed logging keys under logging, and only those', () => {
    expect(
      edit({ 'logging.logToFile': false, 'logging.logRotation': '1 hour', 'logging.bufferSize': '500' })
        .changes,
    ).toEqual({ logging: { logToFile: false, logRotation: '1 hour', bufferSize: 500 } });
  });

  it('reads a number with spaces around it, and a number typed back to its value is no change', () => {
    expect(edit({ port: ' 9000 ' }).changes).toEqual({ port: 9000 });
    expect(edit({ port: '08000' }).changes).toEqual({});
  });

  it('reports a value that is not a whole number, and does not send it', () => {
    for (const text of ['80.5', '8o', '', ' ', '1e3', '0x10']) {
      const { changes, problems } = edit({ port: text, 'logging.logMaxBodySize': text, debug: true });
      expect(problems, JSON.stringify(text)).toEqual({
        port: 'A whole number is expected',
        'logging.logMaxBodySize': 'A whole number is expected',
      });
      expect(changes).toEqual({ debug: true });
    }
  });

  it('leaves ranges to the server: a negative whole number is sent', () => {
    expect(edit({ workers: '-1' })).toEqual({ changes: { workers: -1 }, problems: {} });
  });

  it('splits a list by line, trimming and dropping empty lines', () => {
    expect(edit({ corsOrigins: ' http://a.test \n\n http://b.test\n' }).changes).toEqual({
      corsOrigins: ['http://a.test', 'http://b.test'],
    });
    expect(edit({ corsOrigins: 'http://localhost:3000\n\n' }).changes).toEqual({});
    expect(edit({ corsOrigins: '' }).changes).toEqual({ corsOrigins: [] });
  });
});

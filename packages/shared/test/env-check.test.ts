import { describe, expect, it } from 'vitest';
import {
  findMissingEnv,
  missingEnvError,
  readAllowedOrigins,
  readTokenTtl,
} from '../src/env-check.js';

describe('findMissingEnv', () => {
  it('lists unset, blank and non-string values only', () => {
    const source = { ACCOUNT_SID: 'AC1', API_KEY: '  ', API_SECRET: undefined, TWIML_APP_SID: 5 };
    expect(
      findMissingEnv(source, ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID']),
    ).toEqual(['API_KEY', 'API_SECRET', 'TWIML_APP_SID']);
  });

  it('names every missing variable in the message', () => {
    const { code, message } = missingEnvError(['API_KEY', 'API_SECRET']);
    expect(code).toBe('config_missing');
    expect(message).toContain('API_KEY, API_SECRET');
  });
});

describe('readTokenTtl', () => {
  it.each([
    [undefined, 3600],
    ['', 3600],
    ['30', 30],
    ['60', 60],
    [' 900 ', 900],
    ['86400', 86400],
  ])('reads %j as %d', (raw, value) => {
    expect(readTokenTtl(raw)).toEqual({ ok: true, value });
  });

  it.each(['0', '-1', '29', '86401', '1e3', '3600s', '60.5', 'abc', '0x10', '9999999'])(
    'refuses %j instead of falling back to the default',
    (raw) => {
      const result = readTokenTtl(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('config_invalid');
    },
  );
});

describe('readAllowedOrigins', () => {
  it('reads exact origins', () => {
    expect(readAllowedOrigins('https://a.example, http://localhost:5173')).toEqual({
      ok: true,
      value: ['https://a.example', 'http://localhost:5173'],
    });
    expect(readAllowedOrigins(undefined)).toEqual({ ok: true, value: [] });
  });

  it.each([
    '*',
    'https://a.example/',
    'https://a.example/path',
    'a.example',
    'ftp://a.example',
    'https://a.example,',
  ])('refuses %j', (raw) => {
    expect(readAllowedOrigins(raw).ok).toBe(false);
  });
});

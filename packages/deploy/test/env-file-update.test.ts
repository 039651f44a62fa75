import { describe, expect, it } from 'vitest';
import { applyEnvValues } from '../src/env-file-update.js';

describe('applyEnvValues', () => {
  it('changes existing lines in place and keeps comments, order and other variables', () => {
    const text = '# mine\nACCOUNT_SID=AC1\nexport API_KEY = SKold\n\nOTHER="x y"\n';
    expect(applyEnvValues(text, { API_KEY: 'SKnew' })).toBe(
      '# mine\nACCOUNT_SID=AC1\nexport API_KEY = SKnew\n\nOTHER="x y"\n',
    );
  });

  it('appends new variables with their description, and keeps CRLF files CRLF', () => {
    const result = applyEnvValues('A=1\r\n', { TWIML_APP_SID: 'AP1' });
    expect(result).toBe(
      'A=1\r\n# TwiML App の SID(AP で始まる 34 文字、発信時に Twilio が呼ぶ Voice URL を持つ)\r\nTWIML_APP_SID=AP1\r\n',
    );
  });

  it('creates the content of a missing file', () => {
    expect(applyEnvValues('', { API_KEY: 'SK1' })).toMatch(/^# .+\nAPI_KEY=SK1\n$/);
  });

  it('does not touch a commented-out variable', () => {
    expect(applyEnvValues('# API_KEY=SKold\n', { API_KEY: 'SK1' })).toMatch(
      /^# API_KEY=SKold\n# .+\nAPI_KEY=SK1\n$/,
    );
  });
});

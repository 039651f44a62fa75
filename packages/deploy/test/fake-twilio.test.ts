import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requestText } from '@kit/shared/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio } from './support/fake-twilio.js';
import { PACKAGE_DIR } from './support/kit-run.js';

/** The fake must be able to fail a test: these requests are what it exists to catch. */
const accountSid = `AC${randomBytes(16).toString('hex')}`;
const authToken = randomBytes(16).toString('hex');
let fake: FakeTwilio;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(PACKAGE_DIR, '.fake-twilio', 'self-'));
  fake = await FakeTwilio.start({ accountSid, authToken, workDir: dir });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function call(
  method: string,
  url: string,
  form?: Record<string, string>,
  auth = `${accountSid}:${authToken}`,
): Promise<{ status: number; body: string }> {
  return requestText(url, {
    method,
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
    ...(form && { form }),
    proxy: fake.requestProxy(),
  });
}

describe('the fake Twilio', () => {
  it('accepts a request the spec allows', async () => {
    const before = fake.violations.length;
    const created = await call('POST', 'https://serverless.twilio.com/v1/Services', {
      UniqueName: 'ok',
      FriendlyName: 'ok',
      IncludeCredentials: 'false',
    });
    expect(created.status).toBe(201);
    expect(fake.violations.length).toBe(before);
  });

  it.each([
    [
      'an undeclared form parameter',
      'POST',
      'https://serverless.twilio.com/v1/Services',
      { UniqueName: 'a', FriendlyName: 'a', Colour: 'red' },
      /unknown form parameter Colour/,
    ],
    [
      'a missing required parameter',
      'POST',
      'https://serverless.twilio.com/v1/Services',
      { FriendlyName: 'a' },
      /missing required form parameter UniqueName/,
    ],
    [
      'a wrong type',
      'POST',
      'https://serverless.twilio.com/v1/Services',
      { UniqueName: 'b', FriendlyName: 'b', UiEditable: 'yes' },
      /not a boolean/,
    ],
    [
      'a method the path does not have',
      'DELETE',
      'https://serverless.twilio.com/v1/Services/ZS00000000000000000000000000000000/Builds/ZB00000000000000000000000000000000/Status',
      undefined,
      /DELETE not allowed/,
    ],
    [
      'a path the spec does not have',
      'GET',
      'https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Widgets.json',
      undefined,
      /no operation/,
    ],
    [
      'a malformed SID',
      'GET',
      `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Applications/XX1.json`,
      undefined,
      /does not match/,
    ],
    [
      'a bad enum value',
      'POST',
      `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Applications.json`,
      { VoiceMethod: 'PUT' },
      /not GET or POST|not one of/,
    ],
  ] as const)('refuses %s and records a violation', async (_name, method, url, form, problem) => {
    const before = fake.violations.length;
    const response = await call(method, url, form ? { ...form } : undefined);
    expect(response.status).toBe(400);
    expect(fake.violations.length).toBe(before + 1);
    expect(fake.violations.at(-1)).toMatch(problem);
  });

  it.each([
    ['IncludeCredentials=true', { IncludeCredentials: 'true' }, /got true/],
    ['no IncludeCredentials (Twilio takes it as true)', {}, /got nothing/],
  ] as const)(
    'refuses a service created with %s (kit policy) and records a violation',
    async (_name, extra, problem) => {
      const before = fake.violations.length;
      const response = await call('POST', 'https://serverless.twilio.com/v1/Services', {
        UniqueName: `creds-${before}`,
        FriendlyName: 'creds',
        ...extra,
      });
      expect(response.status).toBe(400);
      expect(fake.violations.length).toBe(before + 1);
      expect(fake.violations.at(-1)).toMatch(
        /kit policy: services must have IncludeCredentials=false/,
      );
      expect(fake.violations.at(-1)).toMatch(problem);
      expect([...fake.tables.services.values()].map((row) => row.unique_name)).not.toContain(
        `creds-${before}`,
      );
    },
  );

  describe('environment variables (kit policy)', () => {
    let variablesUrl = '';
    beforeAll(async () => {
      const service = await call('POST', 'https://serverless.twilio.com/v1/Services', {
        UniqueName: 'variables',
        FriendlyName: 'variables',
        IncludeCredentials: 'false',
      });
      const serviceSid = (JSON.parse(service.body) as { sid: string }).sid;
      const environment = await call(
        'POST',
        `https://serverless.twilio.com/v1/Services/${serviceSid}/Environments`,
        { UniqueName: 'step-01-environment', DomainSuffix: 'step-01' },
      );
      const environmentSid = (JSON.parse(environment.body) as { sid: string }).sid;
      variablesUrl = `https://serverless.twilio.com/v1/Services/${serviceSid}/Environments/${environmentSid}/Variables`;
    });

    it('accepts an ordinary variable', async () => {
      const before = fake.violations.length;
      const created = await call('POST', variablesUrl, { Key: 'API_KEY', Value: 'SK123' });
      expect(created.status).toBe(201);
      expect(fake.violations.length).toBe(before);
    });

    it.each([
      [
        'an AUTH_TOKEN variable',
        { Key: 'AUTH_TOKEN', Value: 'anything' },
        /AUTH_TOKEN must never be uploaded/,
      ],
      [
        'an EMULATOR_SIGNALING_HOST variable',
        { Key: 'EMULATOR_SIGNALING_HOST', Value: '127.0.0.1:3001' },
        /EMULATOR_SIGNALING_HOST must never be uploaded/,
      ],
      [
        "the account's Auth Token under another name",
        { Key: 'MY_TOKEN', Value: authToken },
        /Auth Token uploaded as variable MY_TOKEN/,
      ],
    ] as const)('refuses %s and records a violation', async (_name, form, problem) => {
      const before = fake.violations.length;
      const response = await call('POST', variablesUrl, { ...form });
      expect(response.status).toBe(400);
      expect(fake.violations.length).toBe(before + 1);
      expect(fake.violations.at(-1)).toMatch(problem);
      expect([...fake.tables.variables.values()].map((row) => row.key)).not.toContain(form.Key);
      expect(fake.violations.at(-1)).not.toContain(authToken);
    });

    it('refuses renaming a variable to AUTH_TOKEN', async () => {
      const created = await call('POST', variablesUrl, { Key: 'RENAME_ME', Value: 'x' });
      const variableSid = (JSON.parse(created.body) as { sid: string }).sid;
      const before = fake.violations.length;
      const renamed = await call('POST', `${variablesUrl}/${variableSid}`, { Key: 'AUTH_TOKEN' });
      expect(renamed.status).toBe(400);
      expect(fake.violations.at(before)).toMatch(/AUTH_TOKEN must never be uploaded/);
      expect(fake.tables.variables.get(variableSid)?.key).toBe('RENAME_ME');
    });
  });

  it('refuses wrong credentials like Twilio (401)', async () => {
    const response = await call(
      'GET',
      'https://serverless.twilio.com/v1/Services',
      undefined,
      `${accountSid}:wrong`,
    );
    expect(response.status).toBe(401);
  });

  it('refuses an upload without its Visibility field', async () => {
    const service = [...fake.tables.services.values()][0];
    const before = fake.violations.length;
    const response = await call(
      'POST',
      `https://serverless-upload.twilio.com/v1/Services/${service?.sid}/Functions/ZH${'0'.repeat(32)}/Versions`,
    );
    expect(response.status).toBe(400);
    expect(fake.violations.length).toBe(before + 1);
  });

  it('refuses to tunnel anywhere but Twilio', async () => {
    const before = fake.violations.length;
    await expect(call('GET', 'https://example.com/')).rejects.toThrow();
    expect(fake.violations.at(before)).toMatch(/CONNECT to unexpected host example.com:443/);
  });
});

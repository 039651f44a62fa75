import { afterEach, describe, expect, it } from 'vitest';
import { type EnvFixture, envFixture } from './support/fixtures.js';
import { expectNoSecrets, failure, freePortPair, runDoctor } from './support/run-doctor.js';

/** Each wrong `.env` gives its ✗ line, the fix under it, exit 1, and no secret in the output. */
const fixtures: EnvFixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function doctorOn(
  edit: Parameters<typeof envFixture>[0],
  options: Parameters<typeof envFixture>[1] & { args?: string[] } = {},
) {
  const fixture = await envFixture(edit, options);
  fixtures.push(fixture);
  const port = await freePortPair();
  const result = await runDoctor(options.args ?? [], {
    KIT_ENV_FILE: fixture.envPath,
    PORT: String(port),
  });
  expectNoSecrets(result, fixture.secrets);
  return { result, fixture };
}

describe('pnpm doctor: .env', () => {
  it('a missing variable', async () => {
    const { result } = await doctorOn((lines) =>
      lines.filter((line) => !line.startsWith('API_SECRET=')),
    );
    expect(result.code).toBe(1);
    const { line, fix } = failure(result, 'API_SECRET がありません');
    expect(line).toContain('API キーのシークレット');
    // Local (fake) credentials: the fix regenerates them rather than sending to Twilio.
    expect(fix).toContain('pnpm dev');
    expect(fix).toContain('mv .env .env.old');
  });

  it('a missing variable with real-looking credentials points to pnpm setup:twilio', async () => {
    // --local: these tests never reach Twilio (nor the fake; see twilio.test.ts for that).
    const { result } = await doctorOn(
      (lines) =>
        lines
          .filter((line) => !line.startsWith('TWIML_APP_SID='))
          .map((line) => line.replace(/^(\w+_SID|API_KEY)=(AC|SK)0{16}/, '$1=$2abcdef0123456789')),
      { args: ['--local'] },
    );
    expect(result.code).toBe(1);
    expect(failure(result, 'TWIML_APP_SID がありません').fix).toBe('pnpm setup:twilio');
  });

  it('a malformed SID', async () => {
    const { result } = await doctorOn((lines) =>
      lines.map((line) => (line.startsWith('API_KEY=') ? 'API_KEY=SK12345' : line)),
    );
    expect(result.code).toBe(1);
    const { line, fix } = failure(result, 'API_KEY は SK + 16 進数 32 桁の 34 文字です');
    expect(line).toContain('今は 7 文字');
    expect(fix).toMatch(/^\.env の \d+ 行目を直す/);
  });

  it('a value with a trailing space', async () => {
    const { result, fixture } = await doctorOn((lines) =>
      lines.map((line) => (line.startsWith('TWIML_APP_SID=') ? `${line}  ` : line)),
    );
    expect(result.code).toBe(1);
    const { line, fix } = failure(result, '値の後ろに空白があります');
    expect(line).toContain('TWIML_APP_SID');
    expect(fix).toBe(`.env の 6 行目を TWIML_APP_SID=${fixture.credentials.TWIML_APP_SID} に`);
  });

  it('a secret in quotes with a space: the fix never repeats the value', async () => {
    const { result } = await doctorOn((lines, credentials) =>
      lines.map((line) =>
        line.startsWith('API_SECRET=') ? `API_SECRET="${credentials.API_SECRET} "` : line,
      ),
    );
    expect(result.code).toBe(1);
    const { line, fix } = failure(result, '(API_SECRET)の値の後ろに空白があります');
    expect(line).toContain('5 行目');
    expect(fix).toContain('API_SECRET=値 の形に');
  });

  it('smart quotes and full-width characters from a Japanese editor', async () => {
    const { result } = await doctorOn((lines, credentials) =>
      lines.map((line) => {
        if (line.startsWith('API_KEY=')) return `API_KEY=“${credentials.API_KEY}”`;
        if (line.startsWith('ACCOUNT_SID=')) return `ACCOUNT_SID=${credentials.ACCOUNT_SID}\u3000`;
        return line;
      }),
    );
    expect(result.code).toBe(1);
    failure(result, '“ ” や「」のような引用符');
    const { fix } = failure(result, '全角文字');
    expect(fix).toContain('ACCOUNT_SID=AC0000000000000000');
  });

  it('an export line is a warning naming its line: twilio-run start would drop it', async () => {
    const { result } = await doctorOn((lines) =>
      lines.map((line) => (line.startsWith('API_KEY=') ? `export ${line}` : line)),
    );
    expect(result.stdout).toMatch(/⚠ \.env の \d+ 行目は export で始まっています/);
    expect(result.stdout).toContain('API_KEY が未設定になります');
    expect(result.stdout).toMatch(/→ \.env の \d+ 行目の先頭の export を消す/);
    expect(result.code, result.output).toBe(0);
  });

  it('CRLF and a BOM are warnings (the kit reads them), a lone CR fails', async () => {
    const crlf = await doctorOn(undefined, { eol: '\r\n', prefix: '\uFEFF' });
    expect(crlf.result.stdout).toContain('⚠ .env の改行が CRLF');
    expect(crlf.result.stdout).toContain('⚠ .env の先頭に BOM');
    expect(crlf.result.stdout).toContain("→ sed -i 's/\\r$//' .env");
    expect(crlf.result.code, crlf.result.output).toBe(0);

    const cr = await doctorOn(undefined, { eol: '\r' });
    expect(cr.result.code).toBe(1);
    failure(cr.result, '改行が CR だけです');
  });

  it('a TTL out of range and a wildcard origin', async () => {
    const { result } = await doctorOn((lines) => [
      ...lines,
      'TOKEN_TTL_SECONDS=100000',
      'ALLOWED_ORIGINS=*',
    ]);
    expect(result.code).toBe(1);
    expect(failure(result, 'TOKEN_TTL_SECONDS は 30〜86400 の整数').fix).toBe(
      '.env の 7 行目を直す(アクセストークンの有効期間(秒、30〜86400、省略時 3600)。用途が許す限り短くする)',
    );
    expect(failure(result, 'ALLOWED_ORIGINS は https://example.com のような').fix).toMatch(
      /^\.env の 8 行目を直す/,
    );
  });

  it('fake and real SIDs mixed', async () => {
    const { result } = await doctorOn((lines) =>
      lines.map((line) => line.replace(/^API_KEY=SK0{16}/, 'API_KEY=SKabcdef0123456789')),
    );
    expect(result.code).toBe(1);
    expect(failure(result, '偽の SID').fix).toContain('pnpm setup:twilio');
    expect(result.stdout).toContain('動作確認(ローカル / Twilio)はしません');
  });

  it('no .env at all', async () => {
    const port = await freePortPair();
    const result = await runDoctor(['--json'], {
      KIT_ENV_FILE: '/nonexistent/kit-doctor/.env',
      PORT: String(port),
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; fix?: string }[];
    };
    expect(report.ok).toBe(false);
    const envFile = report.checks.find((check) => check.id === 'env.file');
    expect(envFile?.status).toBe('fail');
    expect(envFile?.fix).toContain('pnpm dev');
  });
});

import { describe, expect, it } from 'vitest';
import { scanRawEnv } from '../src/env-raw.js';
import { readImporterSpecifiers, specifierDifferences } from '../src/lockfile.js';
import { satisfiesRange } from '../src/versions.js';

const NAMES = new Set(['API_KEY', 'API_SECRET', 'ALLOWED_ORIGINS']);
const SECRETS = new Set(['API_SECRET']);
const kinds = (text: string) =>
  scanRawEnv(text, NAMES, SECRETS).findings.map((finding) => `${finding.severity}:${finding.kind}`);

describe('scanRawEnv', () => {
  it('accepts a clean file and matching quotes', () => {
    expect(kinds('# c\nAPI_KEY=SKabc\nAPI_SECRET="s3cret"\n')).toEqual([]);
  });
  it('finds unbalanced quotes, inner spaces, and unreadable lines', () => {
    expect(kinds('API_KEY="SKabc\n')).toEqual(['fail:quotes']);
    expect(kinds('API_KEY=SK abc\n')).toEqual(['fail:spaces']);
    expect(kinds('API_KEY: SKabc\n')).toEqual(['fail:unreadable']);
    expect(kinds('OTHER SKabc\n')).toEqual(['warn:unreadable']);
  });
  it('allows spaces after the commas of ALLOWED_ORIGINS only', () => {
    expect(kinds('ALLOWED_ORIGINS=https://a.example, https://b.example\n')).toEqual([]);
  });
  it('reports a duplicate, naming the line that wins', () => {
    const [finding] = scanRawEnv('API_KEY=SKa\nAPI_KEY=SKb\n', NAMES, SECRETS).findings;
    expect(finding?.message).toContain('後の 2 行目が使われます');
  });
  it('warns on an export line, naming the line, which twilio-run start would drop', () => {
    const text = '# c\nexport API_KEY=SKabc\n';
    expect(kinds(text)).toEqual(['warn:export']);
    const [finding] = scanRawEnv(text, NAMES, SECRETS).findings;
    expect(finding?.message).toContain('2 行目');
    expect(finding?.message).toContain('API_KEY が未設定');
    expect(finding?.fix).toContain('export を消す');
  });
  it('ignores variables of other steps', () => {
    expect(kinds('KIT_SERVICE_NAME= x \n')).toEqual([]);
  });
});

describe('readImporterSpecifiers', () => {
  const lockfile = [
    "lockfileVersion: '9.0'",
    '',
    'importers:',
    '',
    '  .:',
    '    devDependencies:',
    "      '@biomejs/biome':",
    '        specifier: 2.6.8',
    '        version: 2.6.8',
    '',
    '  packages/doctor:',
    '    dependencies:',
    '      twilio:',
    '        specifier: 4.23.0',
    '        version: 4.23.0',
    '',
    'packages:',
    '',
    '  twilio@4.23.0:',
    '    resolution: {}',
  ].join('\n');
  it('reads each workspace folder’s specifiers', () => {
    const importers = readImporterSpecifiers(lockfile);
    expect(importers.get('.')?.get('@biomejs/biome')).toBe('2.6.8');
    expect(importers.get('packages/doctor')?.get('twilio')).toBe('4.23.0');
    expect(importers.has('twilio@4.23.0')).toBe(false);
  });
  it('finds a dependency added or changed since the lockfile', () => {
    const locked = readImporterSpecifiers(lockfile).get('packages/doctor');
    expect(specifierDifferences({ twilio: '4.23.0' }, locked)).toEqual([]);
    expect(specifierDifferences({ twilio: '5.0.0' }, locked)).toEqual(['twilio']);
    expect(specifierDifferences({ twilio: '4.23.0', ws: '8.23.0' }, locked)).toEqual(['ws']);
  });
});

describe('satisfiesRange', () => {
  it('reads the ranges the kit writes', () => {
    expect(satisfiesRange('v20.20.2', '>=20.19')).toBe(true);
    expect(satisfiesRange('v20.18.1', '>=20.19')).toBe(false);
    expect(satisfiesRange('v18.20.0', '^20 || ^22')).toBe(false);
    expect(satisfiesRange('v22.1.0', '^20 || ^22')).toBe(true);
    expect(satisfiesRange('v22.1.0', '20.x')).toBe(null);
  });
});

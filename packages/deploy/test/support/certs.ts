import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Hosts the fake answers for: Twilio's API hosts and every deployed *.twil.io domain. */
export const FAKE_HOSTS = [
  'serverless.twilio.com',
  'serverless-upload.twilio.com',
  'api.twilio.com',
  'iam.twilio.com',
  '*.twil.io',
];

export interface TestCertificates {
  /** The CA the child processes trust through NODE_EXTRA_CA_CERTS. */
  caPath: string;
  key: string;
  cert: string;
}

/**
 * A throwaway CA and one server certificate for the fake's hosts, made with
 * Debian's openssl (EC keys: fast). They live in the test's temporary folder
 * and are trusted only by processes started with NODE_EXTRA_CA_CERTS.
 */
export function makeTestCertificates(dir: string): TestCertificates {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=kit deploy test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    'req',
    ...ec,
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=serverless.twilio.com',
  );
  writeFileSync(
    join(dir, 'server.ext'),
    [
      `subjectAltName=${FAKE_HOSTS.map((host) => `DNS:${host}`).join(',')}`,
      'basicConstraints=CA:FALSE',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  return {
    caPath: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
  };
}

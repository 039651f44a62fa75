import { generateLocalCredentials, type LocalCredentials } from '../../src/local-env.js';

/** Fresh fake credentials per test file, so no test depends on a developer's .env. */
export function testCredentials(): LocalCredentials {
  return generateLocalCredentials();
}

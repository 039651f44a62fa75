import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTwimlApp } from '../src/twiml-app.js';
import { callEndpointSuite } from './support/call-endpoint-suite.js';
import { stepUnderTest } from './support/step-under-test.js';

// Step 04 deploys step 03's Functions unchanged, next to the browser phone's assets,
// and points a TwiML App at the protected /call.
callEndpointSuite('step-04');

const { dir } = stepUnderTest('step-04');

describe('step-04 TwiML App', () => {
  it("declares the TwiML App's Voice URL in twiml-app.json: the protected /call, by POST", async () => {
    const read = await readTwimlApp(dir);
    expect(read, 'twiml-app.json is missing').not.toBeNull();
    expect(read).toEqual({ ok: true, config: { voiceUrl: '/call', voiceMethod: 'POST' } });
    const callSource = await readFile(join(dir, 'src/functions/call.protected.ts'), 'utf8');
    expect(callSource).toContain('dial.client(');
  });
});

describe('step-04 /voice-token source', () => {
  // The page (4-1): hash, then compare with timingSafeEqual, so the time a comparison
  // takes does not give the passcode away. Timing cannot be measured reliably in a
  // test, so this reads the learner's code, as the TwiML App test above does.
  it('compares the passcode in constant time (timingSafeEqual)', async () => {
    const source = await readFile(join(dir, 'src/functions/voice-token.ts'), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(/);
  });
});

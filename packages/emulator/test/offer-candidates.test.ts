import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestDevice } from './support/device.js';
import { Harness } from './support/harness.js';
import { dialTwiml } from './support/twiml-server.js';

const harness = new Harness();
beforeAll(async () => {
  await harness.start();
  harness.twiml.reply = { body: dialTwiml(['bob']) };
});
afterEach(async () => {
  await harness.expectIdle();
  harness.twiml.requests.length = 0;
});
afterAll(() => harness.stop());

/** An audio offer as Chrome writes it before ICE gathering: what the SDK sends without the patches. */
const OFFER_WITHOUT_CANDIDATES = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Zx2d',
  'a=ice-pwd:6n8ZbsKbvVa0XYpFQkxWqJ9R',
  'a=fingerprint:sha-256 3C:4A:AA:8A:3A:23:13:FC:D5:6A:48:E1:95:6B:3F:D4:54:8C:1F:08:2E:16:2B:44:2F:4A:F4:27:C5:B3:E7:2F',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

/** The same offer after gathering, as the phone's emulator mode sends it. */
const OFFER_WITH_CANDIDATES = OFFER_WITHOUT_CANDIDATES.replace(
  'a=rtcp:9 IN IP4 0.0.0.0\r\n',
  'a=rtcp:9 IN IP4 0.0.0.0\r\n' +
    'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0\r\n' +
    'a=end-of-candidates\r\n',
);

function inviteBob(caller: TestDevice, sdp: string): string {
  const callsid = `TJS${crypto.randomUUID()}`;
  caller.send('invite', { callsid, sdp, twilio: { params: 'To=bob' } });
  return callsid;
}

describe('an offer without ICE candidates (a phone without the emulator patches)', () => {
  it('is hung up with 53405, Japanese first, and logged, instead of ringing a silent call', async () => {
    const bob = await harness.registered('bob');
    const alice = await harness.registered('alice');

    const callsid = inviteBob(alice, OFFER_WITHOUT_CANDIDATES);

    const hangup = await alice.next('hangup');
    expect(hangup.payload).toMatchObject({ callsid, error: { code: 53405 } });
    const { message } = hangup.payload.error as { message: string };
    expect(message).toMatch(/^オファーの SDP に ICE 候補/);
    expect(message).toContain('エミュレーターモード');
    expect(message).toContain('no ICE candidates');
    expect(message).toContain('emulator mode');
    expect(message.indexOf('エミュレーターモード')).toBeLessThan(message.indexOf('emulator mode'));
    expect(
      harness.logs.some(
        (line) =>
          line.startsWith('alice#') &&
          line.includes('発信を拒否 53405: オファーの SDP に ICE 候補'),
      ),
    ).toBe(true);

    // Refused before the Voice URL: nothing rings, and the call table stays empty.
    expect(harness.twiml.requests).toEqual([]);
    expect(bob.unread('invite')).toEqual([]);
    expect(harness.emulator.stats().calls).toBe(0);
  });

  it('still rings bob for the same offer with its candidates', async () => {
    const bob = await harness.registered('bob');
    const alice = await harness.registered('alice');

    inviteBob(alice, OFFER_WITH_CANDIDATES);

    const invite = await bob.next('invite');
    expect(invite.payload.sdp).toBe(OFFER_WITH_CANDIDATES);
    const ringing = await alice.next('ringing');
    expect(alice.unread('hangup')).toEqual([]);

    alice.send('hangup', { callsid: ringing.payload.callsid });
    expect((await bob.next('cancel')).payload.callsid).toBe(invite.payload.callsid);
  });
});

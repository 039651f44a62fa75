import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestDevice } from './support/device.js';
import { ANSWER_SDP, Harness, OFFER_SDP } from './support/harness.js';
import { dialTwiml } from './support/twiml-server.js';

const harness = new Harness();
beforeAll(() => harness.start({ webhookTimeoutMs: 500 }));
afterEach(async () => {
  await harness.expectIdle();
  harness.twiml.reply = { body: dialTwiml(['bob']) };
  harness.twiml.requests.length = 0;
});
afterAll(() => harness.stop());

/** alice calls bob; resolves once bob's devices ring. */
async function ringBob(bobDevices: TestDevice[], params: Record<string, string> = {}) {
  harness.twiml.reply = (form) => ({
    body: dialTwiml([form.To ?? ''], 'callerId="client:alice" answerOnBridge="true"'),
  });
  const alice = await harness.registered('alice');
  const temporarySid = harness.invite(alice, { To: 'bob', ...params });
  const invites = await Promise.all(bobDevices.map((device) => device.next('invite')));
  const ringing = await alice.next('ringing');
  return { alice, temporarySid, invites, callSid: ringing.payload.callsid as string };
}

describe('a call from alice to bob', () => {
  it('rings every device of bob, bridges the first answer and cancels the others', async () => {
    const bob1 = await harness.registered('bob');
    const bob2 = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob1, bob2], { Custom1: 'foo + bar' });

    expect(callSid).toMatch(/^CA[0-9a-f]{32}$/);
    const [invite1, invite2] = invites.map((invite) => invite.payload) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    for (const invite of [invite1, invite2]) {
      expect(invite.sdp).toBe(OFFER_SDP);
      expect(invite.reconnect).toEqual(expect.any(String));
      expect(invite.parameters).toMatchObject({
        CallSid: invite.callsid,
        From: 'client:alice',
        To: 'client:bob',
        AccountSid: harness.credentials.ACCOUNT_SID,
        Params: 'Custom1=foo%20%2B%20bar',
      });
    }
    expect(invite1.callsid).not.toBe(invite2.callsid);
    expect(harness.emulator.stats().calls).toBe(1);

    bob2.send('answer', { callsid: invite2.callsid, sdp: ANSWER_SDP });
    const answer = await alice.next('answer');
    expect(answer.payload).toMatchObject({
      callsid: callSid,
      sdp: ANSWER_SDP,
      reconnect: expect.any(String),
    });
    const cancel = await bob1.next('cancel');
    expect(cancel.payload.callsid).toBe(invite1.callsid);
    expect(bob2.unread('cancel')).toEqual([]);

    // bob hangs up: alice is told, the call table empties.
    bob2.send('hangup', { callsid: invite2.callsid });
    expect((await alice.next('hangup')).payload).toEqual({ callsid: callSid });
    await expect.poll(() => harness.emulator.stats().calls).toBe(0);
  });

  it('sends the caller-side hangup to the answered callee', async () => {
    const bob = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob]);
    const legSid = invites[0]?.payload.callsid;
    bob.send('answer', { callsid: legSid, sdp: ANSWER_SDP });
    await alice.next('answer');
    alice.send('hangup', { callsid: callSid });
    expect((await bob.next('hangup')).payload).toEqual({ callsid: legSid });
    expect(alice.unread('hangup')).toEqual([]);
  });

  it('forwards dtmf both ways once bridged', async () => {
    const bob = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob]);
    const legSid = invites[0]?.payload.callsid;
    bob.send('answer', { callsid: legSid, sdp: ANSWER_SDP });
    await alice.next('answer');
    alice.send('dtmf', { callsid: callSid, dtmf: '12#' });
    expect((await bob.next('dtmf')).payload).toEqual({ callsid: legSid, dtmf: '12#' });
    bob.send('dtmf', { callsid: legSid, dtmf: '*9' });
    expect((await alice.next('dtmf')).payload).toEqual({ callsid: callSid, dtmf: '*9' });
    alice.send('hangup', { callsid: callSid });
    await bob.next('hangup');
  });

  it('acknowledges a user-defined message (sendMessage → messageSent)', async () => {
    const bob = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob]);
    bob.send('answer', { callsid: invites[0]?.payload.callsid, sdp: ANSWER_SDP });
    await alice.next('answer');
    alice.send('message', {
      callsid: callSid,
      content: '{}',
      contenttype: 'application/json',
      messagetype: 'user-defined-message',
      voiceeventsid: 'KX1',
    });
    expect((await alice.next('ack')).payload).toEqual({
      acktype: 'message',
      callsid: callSid,
      voiceeventsid: 'KX1',
    });
    alice.send('hangup', { callsid: callSid });
    await bob.next('hangup');
  });

  it.each(['TJS id', 'CallSid'])(
    'cancels every ringing device when the caller hangs up before an answer (by its %s)',
    async (which) => {
      const bob1 = await harness.registered('bob');
      const bob2 = await harness.registered('bob');
      const { alice, temporarySid, invites, callSid } = await ringBob([bob1, bob2]);
      alice.send('hangup', { callsid: which === 'TJS id' ? temporarySid : callSid });
      expect((await bob1.next('cancel')).payload.callsid).toBe(invites[0]?.payload.callsid);
      expect((await bob2.next('cancel')).payload.callsid).toBe(invites[1]?.payload.callsid);
      await expect.poll(() => harness.emulator.stats().calls).toBe(0);
      expect(alice.unread('hangup')).toEqual([]);
    },
  );

  it('ends the call for everyone when one device rejects (603)', async () => {
    const bob1 = await harness.registered('bob');
    const bob2 = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob1, bob2]);
    bob1.send('reject', { callsid: invites[0]?.payload.callsid });
    const hangup = await alice.next('hangup');
    expect(hangup.payload).toMatchObject({ callsid: callSid, error: { code: 31603 } });
    expect((await bob2.next('cancel')).payload.callsid).toBe(invites[1]?.payload.callsid);
  });

  it('hangs up an accepted device that lost the race', async () => {
    const bob1 = await harness.registered('bob');
    const bob2 = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob1, bob2]);
    bob1.send('answer', { callsid: invites[0]?.payload.callsid, sdp: ANSWER_SDP });
    bob2.send('answer', { callsid: invites[1]?.payload.callsid, sdp: ANSWER_SDP });
    await alice.next('answer');
    await bob2.next(['cancel', 'hangup']);
    expect(alice.unread('answer')).toEqual([]);
    alice.send('hangup', { callsid: callSid });
    await bob1.next('hangup');
  });

  it('gives up after the Dial timeout: callee cancel, caller hangup 31480', async () => {
    const bob = await harness.registered('bob');
    harness.twiml.reply = { body: dialTwiml(['bob'], 'timeout="0.3"') };
    const alice = await harness.registered('alice');
    harness.invite(alice, { To: 'bob' });
    const invite = await bob.next('invite');
    const started = Date.now();
    const cancel = await bob.next('cancel');
    expect(cancel.payload.callsid).toBe(invite.payload.callsid);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31480 } });
  });

  it('uses dialTimeoutSeconds when the TwiML gives no timeout', async () => {
    // The file's emulator has the 30 s default; this one rings for 0.2 s.
    const { startEmulator } = await import('../src/index.js');
    const short = await startEmulator({
      credentials: harness.credentials,
      voiceUrl: harness.twiml.url,
      dialTimeoutSeconds: 0.2,
    });
    try {
      const { TestDevice } = await import('./support/device.js');
      const bob = await TestDevice.connect(short.url);
      await bob.register(harness.token('bob'));
      const alice = await TestDevice.connect(short.url);
      await alice.listen(harness.token('alice'));
      harness.invite(alice, { To: 'bob' });
      await bob.next('invite');
      await bob.next('cancel', () => true, 2000);
      expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31480 } });
      await Promise.all([alice.close(), bob.close()]);
      await expect.poll(() => short.stats()).toMatchObject({ calls: 0, sockets: 0 });
    } finally {
      await short.close();
    }
  });

  it('passes <Client><Parameter> and the Dial callerId to the callee', async () => {
    const bob = await harness.registered('bob');
    harness.twiml.reply = {
      body: '<Response><Dial callerId="client:reception"><Client><Identity>bob</Identity><Parameter name="room" value="a b"/></Client></Dial></Response>',
    };
    const alice = await harness.registered('alice');
    const temporarySid = harness.invite(alice, { To: 'bob' });
    const invite = await bob.next('invite');
    expect(invite.payload.parameters).toMatchObject({
      From: 'client:reception',
      Params: 'room=a%20b',
    });
    alice.send('hangup', { callsid: temporarySid });
    await bob.next('cancel');
  });
});

describe('who cannot be called', () => {
  it('ends a call to an identity nobody registered with hangup 31480', async () => {
    harness.twiml.reply = { body: dialTwiml(['nobody']) };
    const alice = await harness.registered('alice');
    const temporarySid = harness.invite(alice, { To: 'nobody' });
    const hangup = await alice.next('hangup');
    expect(hangup.payload).toMatchObject({ callsid: temporarySid, error: { code: 31480 } });
    expect(alice.unread('ringing')).toEqual([]);
  });

  it('does not ring a device whose token lacks the incoming grant (31201)', async () => {
    const bob = await harness.registered('bob', { incoming: false });
    const alice = await harness.registered('alice');
    harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31201 } });
    expect(bob.unread('invite')).toEqual([]);
  });

  it('does not ring a device that only listened (never registered)', async () => {
    const bob = await harness.device();
    await bob.listen(harness.token('bob'));
    const alice = await harness.registered('alice');
    harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31480 } });
    expect(bob.unread('invite')).toEqual([]);
  });
});

describe('who may call', () => {
  it('refuses a token whose outgoing application is another TwiML App (21218), without a webhook', async () => {
    const alice = await harness.device();
    await alice.listen(harness.token('alice', { outgoingApplicationSid: `AP${'9'.repeat(32)}` }));
    const temporarySid = harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({
      callsid: temporarySid,
      error: { code: 21218 },
    });
    expect(harness.twiml.requests).toEqual([]);
  });

  it('refuses a token without an outgoing grant (31201)', async () => {
    const alice = await harness.device();
    await alice.listen(harness.token('alice', { outgoingApplicationSid: null }));
    harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31201 } });
  });

  it('refuses an invite before listen (31204)', async () => {
    const alice = await harness.device();
    harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31204 } });
  });
});

describe('the Voice URL webhook', () => {
  it("posts Twilio's parameters, signed with X-Twilio-Signature over the exact URL", async () => {
    const bob = await harness.registered('bob');
    const { alice, callSid, temporarySid } = await ringBob([bob], {
      Custom1: 'x y',
      Caller: 'spoofed',
    });
    const [request] = harness.twiml.requests;
    expect(request?.params).toEqual({
      AccountSid: harness.credentials.ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      ApplicationSid: harness.credentials.TWIML_APP_SID,
      CallSid: callSid,
      CallStatus: 'ringing',
      Caller: 'client:alice',
      Custom1: 'x y',
      Direction: 'inbound',
      From: 'client:alice',
      To: 'bob',
    });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const signature = String(request?.headers['x-twilio-signature']);
    expect(
      twilio.validateRequest(
        harness.credentials.AUTH_TOKEN,
        signature,
        harness.twiml.url,
        request?.params ?? {},
      ),
    ).toBe(true);
    expect(
      twilio.validateRequest('wrong-token', signature, harness.twiml.url, request?.params ?? {}),
    ).toBe(false);
    alice.send('hangup', { callsid: temporarySid });
    await bob.next('cancel');
  });

  const failures: [string, () => void, number][] = [
    [
      'answers 500',
      () => {
        harness.twiml.reply = { status: 500, body: 'oops' };
      },
      11200,
    ],
    [
      'answers 302',
      () => {
        harness.twiml.reply = { status: 302, body: '' };
      },
      11200,
    ],
    [
      'is slower than webhookTimeoutMs',
      () => {
        harness.twiml.reply = { body: dialTwiml(['bob']), delayMs: 1500 };
      },
      11200,
    ],
    [
      'answers JSON',
      () => {
        harness.twiml.reply = { body: '{"ok":true}', contentType: 'application/json' };
      },
      12300,
    ],
    [
      'answers malformed XML',
      () => {
        harness.twiml.reply = { body: '<Response><Dial><Client>bob</Dial></Response>' };
      },
      12100,
    ],
    [
      'dials a phone number with <Number>',
      () => {
        harness.twiml.reply = {
          body: '<Response><Dial><Number>+819012345678</Number></Dial></Response>',
        };
      },
      12100,
    ],
    [
      'dials a bare number',
      () => {
        harness.twiml.reply = { body: '<Response><Dial>+819012345678</Dial></Response>' };
      },
      12100,
    ],
    [
      'uses <Sip>',
      () => {
        harness.twiml.reply = {
          body: '<Response><Dial><Sip>sip:bob@example.com</Sip></Dial></Response>',
        };
      },
      12100,
    ],
    [
      'uses an unknown verb',
      () => {
        harness.twiml.reply = { body: '<Response><Say>hi</Say><Gather/></Response>' };
      },
      12100,
    ],
    [
      'has another root',
      () => {
        harness.twiml.reply = { body: '<Dial><Client>bob</Client></Dial>' };
      },
      12100,
    ],
    [
      'carries a DOCTYPE',
      () => {
        harness.twiml.reply = {
          body: '<!DOCTYPE r [<!ENTITY a "b">]><Response><Say>&a;</Say></Response>',
        };
      },
      12100,
    ],
  ];

  it.each(failures)(
    'ends the call with a clean hangup when the Voice URL %s',
    async (_name, setUp, code) => {
      const bob = await harness.registered('bob');
      setUp();
      const alice = await harness.registered('alice');
      const temporarySid = harness.invite(alice, { To: 'bob' });
      const hangup = await alice.next('hangup');
      expect(hangup.payload).toMatchObject({ callsid: temporarySid, error: { code } });
      expect(bob.unread('invite')).toEqual([]);
    },
  );

  it('reports an unreachable Voice URL as 11200', async () => {
    const { startEmulator } = await import('../src/index.js');
    const { TestDevice } = await import('./support/device.js');
    const down = await startEmulator({
      credentials: harness.credentials,
      voiceUrl: 'http://127.0.0.1:9/call',
    });
    try {
      const alice = await TestDevice.connect(down.url);
      await alice.listen(harness.token('alice'));
      harness.invite(alice, { To: 'bob' });
      expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 11200 } });
      await alice.close();
    } finally {
      await down.close();
    }
  });

  it('aborts the webhook when the caller hangs up while waiting for it', async () => {
    harness.twiml.reply = { body: dialTwiml(['bob']), delayMs: 300 };
    const bob = await harness.registered('bob');
    const alice = await harness.registered('alice');
    const temporarySid = harness.invite(alice, { To: 'bob' });
    await expect.poll(() => harness.twiml.requests.length).toBe(1);
    alice.send('hangup', { callsid: temporarySid });
    await expect.poll(() => harness.emulator.stats().calls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(bob.unread('invite')).toEqual([]);
    expect(alice.unread('hangup')).toEqual([]);
  });
});

describe('TwiML verbs', () => {
  it('runs <Say>, <Play> and <Pause>, then hangs up plainly at <Hangup>', async () => {
    harness.twiml.reply = {
      body: '<Response><Say language="ja-JP">こんにちは</Say><Play>http://x/a.mp3</Play><Pause length="0.2"/><Hangup/><Say>never</Say></Response>',
    };
    const alice = await harness.registered('alice');
    const started = Date.now();
    const temporarySid = harness.invite(alice, { To: 'bob' });
    const hangup = await alice.next('hangup');
    expect(hangup.payload).toEqual({ callsid: temporarySid });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(harness.logs.some((line) => line.includes('こんにちは'))).toBe(true);
    expect(harness.logs.some((line) => line.includes('never'))).toBe(false);
  });

  it.each([
    ['<Reject/>', 31603],
    ['<Reject reason="busy"/>', 31486],
  ])('answers %s with hangup %i', async (verb, code) => {
    harness.twiml.reply = { body: `<Response>${verb}</Response>` };
    const alice = await harness.registered('alice');
    harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code } });
  });

  it('ends plainly when the TwiML runs out', async () => {
    harness.twiml.reply = { body: '<Response></Response>' };
    const alice = await harness.registered('alice');
    const temporarySid = harness.invite(alice, { To: 'bob' });
    expect((await alice.next('hangup')).payload).toEqual({ callsid: temporarySid });
  });

  it('goes on after an unanswered <Dial> and ends with its error', async () => {
    harness.twiml.reply = {
      body: '<Response><Dial timeout="0.2"><Client>bob</Client></Dial><Say>不在です</Say></Response>',
    };
    const bob = await harness.registered('bob');
    const alice = await harness.registered('alice');
    harness.invite(alice, { To: 'bob' });
    await bob.next('cancel');
    expect((await alice.next('hangup')).payload).toMatchObject({ error: { code: 31480 } });
    expect(harness.logs.some((line) => line.includes('不在です'))).toBe(true);
  });

  it('rings the clients of one <Dial> in parallel', async () => {
    harness.twiml.reply = { body: dialTwiml(['bob', 'carol']) };
    const bob = await harness.registered('bob');
    const carol = await harness.registered('carol');
    const alice = await harness.registered('alice');
    const temporarySid = harness.invite(alice, { To: 'team' });
    const carolInvite = await carol.next('invite');
    await bob.next('invite');
    carol.send('answer', { callsid: carolInvite.payload.callsid, sdp: ANSWER_SDP });
    await alice.next('answer');
    await bob.next('cancel');
    alice.send('hangup', { callsid: temporarySid });
    await carol.next('hangup');
  });
});

describe('dropped sockets and reconnects', () => {
  async function bridged() {
    const bob = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob]);
    const invite = invites[0]?.payload ?? {};
    bob.send('answer', { callsid: invite.callsid, sdp: ANSWER_SDP });
    const answer = await alice.next('answer');
    return {
      alice,
      bob,
      callSid,
      aliceToken: answer.payload.reconnect as string,
      bobSid: invite.callsid as string,
      bobToken: invite.reconnect as string,
    };
  }

  it('lets the callee come back on a new socket with its reconnect token', async () => {
    const { alice, bob, callSid, bobSid, bobToken } = await bridged();
    await bob.drop();
    const bobAgain = await harness.device();
    await bobAgain.listen(harness.token('bob'));
    bobAgain.send('invite', { callsid: bobSid, reconnect: bobToken, sdp: ANSWER_SDP, twilio: {} });
    expect((await bobAgain.next('answer')).payload).toEqual({
      callsid: bobSid,
      reconnect: bobToken,
    });
    // The call survived the grace period and still carries hangups.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(harness.emulator.stats().calls).toBe(1);
    alice.send('hangup', { callsid: callSid });
    expect((await bobAgain.next('hangup')).payload).toEqual({ callsid: bobSid });
  });

  it('lets the caller come back too', async () => {
    const { alice, bob, callSid, aliceToken, bobSid } = await bridged();
    await alice.drop();
    const aliceAgain = await harness.device();
    await aliceAgain.listen(harness.token('alice'));
    aliceAgain.send('invite', {
      callsid: callSid,
      reconnect: aliceToken,
      sdp: OFFER_SDP,
      twilio: {},
    });
    expect((await aliceAgain.next('answer')).payload).toEqual({
      callsid: callSid,
      reconnect: aliceToken,
    });
    bob.send('hangup', { callsid: bobSid });
    await aliceAgain.next('hangup');
  });

  it('answers a reconnect invite on the same socket (after updateToken)', async () => {
    const { alice, bob, callSid, aliceToken, bobSid } = await bridged();
    await alice.listen(harness.token('alice'));
    alice.send('invite', { callsid: callSid, reconnect: aliceToken, sdp: OFFER_SDP, twilio: {} });
    expect((await alice.next('answer')).payload).toEqual({
      callsid: callSid,
      reconnect: aliceToken,
    });
    bob.send('hangup', { callsid: bobSid });
    await alice.next('hangup');
  });

  it('refuses a reconnect with an unknown token, or by another identity (31209)', async () => {
    const { alice, bob, callSid, bobSid, bobToken } = await bridged();
    const mallory = await harness.device();
    await mallory.listen(harness.token('mallory'));
    mallory.send('invite', { callsid: bobSid, reconnect: bobToken, sdp: ANSWER_SDP, twilio: {} });
    expect((await mallory.next('hangup')).payload).toMatchObject({
      callsid: bobSid,
      error: { code: 31209 },
    });
    mallory.send('invite', { callsid: bobSid, reconnect: 'RCnope', sdp: ANSWER_SDP, twilio: {} });
    expect((await mallory.next('hangup')).payload).toMatchObject({ error: { code: 31209 } });
    // mallory cannot hang up alice's call, nor take over bob's leg while bob is away.
    mallory.send('hangup', { callsid: callSid });
    await bob.drop();
    await expect.poll(() => harness.emulator.stats().devices).toBe(1); // only alice is left
    mallory.send('answer', { callsid: bobSid, sdp: ANSWER_SDP });
    mallory.send('hangup', { callsid: bobSid });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.emulator.stats().calls).toBe(1);
    expect(alice.unread('hangup')).toEqual([]);
    alice.send('hangup', { callsid: callSid });
    await expect.poll(() => harness.emulator.stats().calls).toBe(0);
  });

  it('ends the call on the other side when the callee vanishes for longer than the grace', async () => {
    const { alice, bob, callSid } = await bridged();
    await bob.drop();
    const hangup = await alice.next('hangup', () => true, 2000);
    expect(hangup.payload).toEqual({ callsid: callSid });
  });

  it('ends the call on the other side when the caller vanishes', async () => {
    const { alice, bob, bobSid } = await bridged();
    await alice.drop();
    expect((await bob.next('hangup', () => true, 2000)).payload).toEqual({ callsid: bobSid });
  });

  it('cancels the ringing devices at once when the caller vanishes before an answer', async () => {
    const bob = await harness.registered('bob');
    const { alice, invites } = await ringBob([bob]);
    await alice.drop();
    expect((await bob.next('cancel', () => true, 200)).payload.callsid).toBe(
      invites[0]?.payload.callsid,
    );
  });

  it('lets a ringing callee that reconnected still answer', async () => {
    const bob = await harness.registered('bob');
    const { alice, invites, callSid } = await ringBob([bob]);
    const legSid = invites[0]?.payload.callsid;
    await bob.drop();
    const bobAgain = await harness.registered('bob');
    bobAgain.send('answer', { callsid: legSid, sdp: ANSWER_SDP });
    expect((await alice.next('answer')).payload).toMatchObject({
      callsid: callSid,
      sdp: ANSWER_SDP,
    });
    alice.send('hangup', { callsid: callSid });
    await bobAgain.next('hangup');
  });
});

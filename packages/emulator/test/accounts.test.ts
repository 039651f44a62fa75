import { randomBytes } from 'node:crypto';
import { generateLocalCredentials } from '@kit/functions/local-env';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Account,
  type Emulator,
  type EmulatorCredentials,
  SignalError,
  startEmulator,
  verifyVoiceToken,
} from '../src/index.js';
import { TestDevice } from './support/device.js';
import { ANSWER_SDP } from './support/harness.js';
import { signClaims, voiceToken } from './support/tokens.js';
import { dialTwiml, TwimlServer } from './support/twiml-server.js';

/**
 * One account, two members: member A holds key A and App 1, member B key B
 * and App 2, as a room would hand them out. Each test gets a fresh account
 * and emulator (revoking a key changes the account); the two Voice URLs are
 * shared and reset.
 *
 * Codes (see src/error-codes.ts and PROTOCOL.md §6): a token whose key the
 * account does not have, or whose signature that key's secret does not
 * verify, is 31204 (the SDK's Device shows 20101 AccessTokenInvalid,
 * lib/twilio/device.ts:1298-1299); a token naming an App the account does
 * not have is hung up with 21218 "Invalid ApplicationSid", which
 * @twilio/voice-errors (README) prefers over the Client code 31001.
 */
const base = generateLocalCredentials();
const keyA = {
  sid: `SK${randomBytes(16).toString('hex')}`,
  secret: randomBytes(16).toString('hex'),
};
const keyB = {
  sid: `SK${randomBytes(16).toString('hex')}`,
  secret: randomBytes(16).toString('hex'),
};
const app1 = `AP${randomBytes(16).toString('hex')}`;
const app2 = `AP${randomBytes(16).toString('hex')}`;

/** The credentials a member's Functions would mint tokens with. */
function member(key: { sid: string; secret: string }, appSid: string): EmulatorCredentials {
  return {
    ACCOUNT_SID: base.ACCOUNT_SID,
    AUTH_TOKEN: base.AUTH_TOKEN,
    API_KEY: key.sid,
    API_SECRET: key.secret,
    TWIML_APP_SID: appSid,
  };
}
const memberA = member(keyA, app1);
const memberB = member(keyB, app2);

const HANGUP_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';

let voiceUrl1: TwimlServer;
let voiceUrl2: TwimlServer;
let account: Account;
let emulator: Emulator;
const logs: string[] = [];
let devices: TestDevice[] = [];

beforeAll(async () => {
  [voiceUrl1, voiceUrl2] = await Promise.all([TwimlServer.start(), TwimlServer.start()]);
});
beforeEach(async () => {
  for (const server of [voiceUrl1, voiceUrl2]) {
    server.requests.length = 0;
    server.reply = { body: HANGUP_TWIML };
  }
  account = new Account({
    accountSid: base.ACCOUNT_SID,
    authToken: base.AUTH_TOKEN,
    keys: [
      [keyA.sid, { secret: keyA.secret }],
      [keyB.sid, { secret: keyB.secret }],
    ],
    apps: [
      [app1, { voiceUrl: voiceUrl1.url }],
      [app2, { voiceUrl: voiceUrl2.url }],
    ],
  });
  emulator = await startEmulator({ account, log: (line) => logs.push(line) });
});
afterEach(async () => {
  await Promise.all(devices.map((device) => device.close()));
  devices = [];
  expect(TestDevice.violations).toEqual([]);
  await expect.poll(() => emulator.stats().sockets).toBe(0);
  await emulator.close();
});
afterAll(async () => {
  await Promise.all([voiceUrl1.close(), voiceUrl2.close()]);
  for (const line of logs) {
    for (const secret of [base.AUTH_TOKEN, keyA.secret, keyB.secret]) {
      expect(line).not.toContain(secret);
    }
    expect(line).not.toMatch(/eyJ[\w-]+\.eyJ/);
  }
});

async function device(): Promise<TestDevice> {
  const connected = await TestDevice.connect(emulator.url);
  devices.push(connected);
  return connected;
}

async function registered(credentials: EmulatorCredentials, identity: string) {
  const connected = await device();
  await connected.register(voiceToken(credentials, identity));
  return connected;
}

describe('two keys and two TwiML Apps in one account', () => {
  it('routes each call to the Voice URL of the App its token names, whichever key signed it', async () => {
    const alice = await registered(memberA, 'alice');
    const bob = await registered(memberB, 'bob');
    expect(emulator.stats()).toMatchObject({ registrations: 2, devices: 2 });

    alice.invite('x');
    bob.invite('y');
    await alice.next('hangup');
    await bob.next('hangup');
    expect(voiceUrl1.requests.map((request) => request.params)).toEqual([
      expect.objectContaining({ ApplicationSid: app1, From: 'client:alice', To: 'x' }),
    ]);
    expect(voiceUrl2.requests.map((request) => request.params)).toEqual([
      expect.objectContaining({ ApplicationSid: app2, From: 'client:bob', To: 'y' }),
    ]);

    // The App comes from the token, not from the key: key A naming App 2 goes to App 2.
    const carol = await registered({ ...memberA, TWIML_APP_SID: app2 }, 'carol');
    carol.invite('z');
    await carol.next('hangup');
    expect(voiceUrl1.requests).toHaveLength(1);
    expect(voiceUrl2.requests.at(-1)?.params).toMatchObject({ ApplicationSid: app2, To: 'z' });
  });

  it('rings a device of one key from a call of the other (one account)', async () => {
    voiceUrl1.reply = { body: dialTwiml(['bob']) };
    const alice = await registered(memberA, 'alice');
    const bob = await registered(memberB, 'bob');
    alice.invite('bob');
    const invite = await bob.next('invite');
    expect(invite.payload.parameters).toMatchObject({ AccountSid: base.ACCOUNT_SID });
    bob.send('reject', { callsid: invite.payload.callsid });
    expect((await alice.next('hangup')).payload.error).toMatchObject({ code: 31603 });
  });

  it('signs every webhook with the account auth token, for both Apps', async () => {
    const alice = await registered(memberA, 'alice');
    const bob = await registered(memberB, 'bob');
    alice.invite('x');
    bob.invite('y');
    await alice.next('hangup');
    await bob.next('hangup');
    for (const server of [voiceUrl1, voiceUrl2]) {
      const [request] = server.requests;
      const signature = String(request?.headers['x-twilio-signature']);
      const params = request?.params ?? {};
      expect(twilio.validateRequest(base.AUTH_TOKEN, signature, server.url, params)).toBe(true);
      // Not a key secret: the auth token alone signs webhooks.
      expect(twilio.validateRequest(keyA.secret, signature, server.url, params)).toBe(false);
    }
  });
});

describe('what a watcher sees (the room board)', () => {
  it('lists registered devices by key, the calls in progress, and says when a call connects', async () => {
    voiceUrl1.reply = { body: dialTwiml(['bob']) };
    const connected: unknown[] = [];
    const stop = emulator.onCallConnected((call) => connected.push(call));
    const alice = await registered(memberA, 'alice');
    const bob = await registered(memberB, 'bob');
    expect(emulator.registrations()).toEqual(
      expect.arrayContaining([
        { identity: 'alice', keySid: keyA.sid },
        { identity: 'bob', keySid: keyB.sid },
      ]),
    );
    alice.invite('bob');
    const invite = await bob.next('invite');
    expect(emulator.calls()).toEqual([
      expect.objectContaining({
        from: 'alice',
        to: 'bob',
        applicationSid: app1,
        phase: 'ringing',
        connectedAt: null,
      }),
    ]);
    bob.send('answer', { callsid: invite.payload.callsid, sdp: ANSWER_SDP });
    await alice.next('answer');
    expect(connected).toEqual([
      expect.objectContaining({
        from: 'alice',
        answeredBy: 'bob',
        applicationSid: app1,
        phase: 'bridged',
      }),
    ]);
    const [call] = emulator.calls();
    expect(call?.connectedAt).toBeGreaterThanOrEqual(call?.placedAt ?? Infinity);
    bob.send('hangup', { callsid: invite.payload.callsid });
    await alice.next('hangup');
    expect(emulator.calls()).toEqual([]);
    stop();
  });
});

describe('refusals (31204 → the SDK shows 20101; 21218 hangs the call up)', () => {
  it('refuses a token whose API key the account does not have with 31204, and says so in the log', async () => {
    const stranger = { sid: `SK${randomBytes(16).toString('hex')}`, secret: 'stranger-secret' };
    const reply = await (await device()).listen(voiceToken(member(stranger, app1), 'mallory'));
    expect(reply.type).toBe('error');
    expect(reply.payload.error).toMatchObject({ code: 31204 });
    expect(String((reply.payload.error as { message: string }).message)).toContain(stranger.sid);
    expect(logs.some((line) => line.includes(stranger.sid) && line.includes('ありません'))).toBe(
      true,
    );
    expect(emulator.stats().devices).toBe(0);
  });

  it("refuses a token with key A's SID signed with key B's secret (31204, a signature message)", async () => {
    const forged = voiceToken({ ...memberA, API_SECRET: keyB.secret }, 'mallory');
    const reply = await (await device()).listen(forged);
    expect(reply.payload.error).toMatchObject({ code: 31204 });
    expect(String((reply.payload.error as { message: string }).message)).toContain(
      `署名が API キー ${keyA.sid} のシークレットと一致しません`,
    );
    // Key A's own secret still works.
    expect((await (await device()).listen(voiceToken(memberA, 'alice'))).type).toBe('connected');
  });

  it('hangs a call naming an App the account does not have up with 21218, before any webhook', async () => {
    const unknownApp = `AP${randomBytes(16).toString('hex')}`;
    const alice = await registered({ ...memberA, TWIML_APP_SID: unknownApp }, 'alice');
    const temporarySid = alice.invite('bob');
    const hangup = await alice.next('hangup');
    expect(hangup.payload).toMatchObject({ callsid: temporarySid, error: { code: 21218 } });
    expect(String((hangup.payload.error as { message: string }).message)).toContain(unknownApp);
    expect(voiceUrl1.requests).toHaveLength(0);
    expect(voiceUrl2.requests).toHaveLength(0);
    expect(emulator.stats()).toMatchObject({ calls: 0, devices: 1 });
    // The device itself is fine: a token for App 1 calls through on the same socket.
    await alice.listen(voiceToken(memberA, 'alice'));
    alice.invite('bob');
    await alice.next('hangup', (payload) => payload.error === undefined);
    expect(voiceUrl1.requests).toHaveLength(1);
  });

  it('checks keys the same way in verifyVoiceToken (unknown key vs wrong secret)', () => {
    const payload = voiceToken(memberA, 'a').split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const unknown = verifyVoiceToken(
      signClaims({ ...claims, iss: 'SKnobody' }, keyA.secret),
      account,
    );
    const wrongSecret = verifyVoiceToken(signClaims(claims, keyB.secret), account);
    expect(unknown).toMatchObject({ ok: false, error: { code: 31204 } });
    expect(wrongSecret).toMatchObject({ ok: false, error: { code: 31204 } });
    expect(unknown.ok || unknown.error.message).toContain('SKnobody');
    expect(wrongSecret.ok || wrongSecret.error.message).toContain('署名');
    expect(verifyVoiceToken(signClaims(claims, keyA.secret), account)).toMatchObject({
      ok: true,
      token: { keySid: keyA.sid, outgoingApplicationSid: app1 },
    });
  });
});

describe('changing the account while the emulator runs', () => {
  it('revoking a key unregisters its devices at once (31204, offline) and refuses their next register, listen and invite', async () => {
    voiceUrl1.reply = { body: dialTwiml(['bob']) };
    const alice = await registered(memberA, 'alice');
    const bob = await registered(memberB, 'bob');
    expect(account.revokeKey(keyB.sid)).toBe(true);

    const error = await bob.next('error');
    expect(error.payload.error).toMatchObject({ code: 31204 });
    await bob.next('offline');
    expect(emulator.stats()).toMatchObject({ devices: 1, registrations: 1 });
    expect(bob.isOpen).toBe(true); // a closed socket would make the SDK retry every 100 ms
    expect(logs.some((line) => line.includes(keyB.sid) && line.includes('取り消'))).toBe(true);

    // bob is no longer rung: alice's call finds nobody.
    alice.invite('bob');
    expect((await alice.next('hangup')).payload.error).toMatchObject({ code: 31480 });
    expect(bob.unread('invite')).toEqual([]);

    // bob's next uses of the revoked key fail.
    bob.send('register', { media: { audio: true } });
    expect((await bob.next('error')).payload.error).toMatchObject({ code: 31204 });
    expect(bob.unread('ready')).toEqual([]);
    const placed = bob.invite('alice');
    expect((await bob.next('hangup')).payload).toMatchObject({
      callsid: placed,
      error: { code: 31204 },
    });
    expect((await bob.listen(voiceToken(memberB, 'bob'))).payload.error).toMatchObject({
      code: 31204,
    });

    // Key A's device is untouched, and bob comes back with a token from a live key.
    expect(alice.unread('error')).toEqual([]);
    await bob.register(voiceToken({ ...memberB, ...pick(memberA) }, 'bob'));
    expect(emulator.stats()).toMatchObject({ devices: 2 });
  });

  it('accepts a key and an App added at run time, and follows setVoiceUrl(appSid, url) and removeApp', async () => {
    const keyC = { sid: `SK${randomBytes(16).toString('hex')}`, secret: 'secret-c' };
    const app3 = `AP${randomBytes(16).toString('hex')}`;
    const memberC = member(keyC, app3);
    const early = await device();
    expect((await early.listen(voiceToken(memberC, 'carol'))).payload.error).toMatchObject({
      code: 31204,
    });

    account.addKey(keyC.sid, keyC.secret);
    account.addApp(app3, voiceUrl2.url);
    const carol = await registered(memberC, 'carol');
    carol.invite('x');
    await carol.next('hangup');
    expect(voiceUrl2.requests.at(-1)?.params).toMatchObject({ ApplicationSid: app3 });

    account.setVoiceUrl(app3, voiceUrl1.url);
    carol.invite('y');
    await carol.next('hangup');
    expect(voiceUrl1.requests.at(-1)?.params).toMatchObject({ ApplicationSid: app3, To: 'y' });

    expect(account.removeApp(app3)).toBe(true);
    carol.invite('z');
    expect((await carol.next('hangup')).payload.error).toMatchObject({ code: 21218 });
    expect(voiceUrl1.requests).toHaveLength(1);
  });

  it('keeps Emulator.setVoiceUrl for one App only, and refuses bad settings', async () => {
    expect(() => emulator.setVoiceUrl(voiceUrl1.url)).toThrow(/account\.setVoiceUrl/);
    expect(() => account.setVoiceUrl(app1, 'ftp://example.com/call')).toThrow(/http\(s\)/);
    expect(() => account.setVoiceUrl('APnone', voiceUrl1.url)).toThrow(/APnone/);
    expect(() => account.addKey(keyA.sid, 'another')).toThrow(/すでに/);
    await expect(
      startEmulator({ account, credentials: memberA, voiceUrl: voiceUrl1.url }),
    ).rejects.toThrow(/同時に/);
  });
});

/** Key A's SID and secret, to mint a token of another member with key A. */
function pick(credentials: EmulatorCredentials) {
  return { API_KEY: credentials.API_KEY, API_SECRET: credentials.API_SECRET };
}

describe("a room member's key signs only the member's own identities", () => {
  it('registers the owner and a second tab, refuses another name with 31204, and tells who tried', async () => {
    const roomKey = {
      sid: `SK${randomBytes(16).toString('hex')}`,
      secret: randomBytes(16).toString('hex'),
    };
    account.addKey(roomKey.sid, roomKey.secret, 'sakura');
    const refusals: { keySid: string; identity: string }[] = [];
    account.onIdentityRefused((refusal) => refusals.push(refusal));
    const sakura = member(roomKey, app1);

    expect((await (await device()).listen(voiceToken(sakura, 'sakura'))).type).toBe('connected');
    expect((await (await device()).listen(voiceToken(sakura, 'sakura-2'))).type).toBe('connected');
    // bob is someone else's; sakura-x-1 and sakurafan only look like sakura's.
    for (const identity of ['bob', 'sakura-x-1', 'sakurafan', 'Sakura']) {
      const reply = await (await device()).listen(voiceToken(sakura, identity));
      expect(reply.type, identity).toBe('error');
      expect(reply.payload.error).toMatchObject({ code: 31204 });
      expect(String((reply.payload.error as { message: string }).message)).toContain(
        'この API キーで登録できる名前は sakura と sakura-',
      );
    }
    expect(refusals).toEqual(
      ['bob', 'sakura-x-1', 'sakurafan', 'Sakura'].map((identity) => ({
        keySid: roomKey.sid,
        identity,
      })),
    );
    // A key without an owner (the account's own, as on Twilio) signs any identity.
    expect((await (await device()).listen(voiceToken(memberA, 'bob'))).type).toBe('connected');
    expect(() => account.addKey(`SK${'0'.repeat(32)}`, 'x', 'さくら')).toThrow(/identity/);
  });

  it("calls only through a member key's own App: another member's App is 21218, as another account's", async () => {
    voiceUrl1.reply = { body: HANGUP_TWIML };
    const roomKey = {
      sid: `SK${randomBytes(16).toString('hex')}`,
      secret: randomBytes(16).toString('hex'),
    };
    account.addKey(roomKey.sid, roomKey.secret, 'sakura', app1);
    const own = await registered(member(roomKey, app1), 'sakura');
    own.invite('bob');
    expect((await own.next('hangup')).payload.error).toBeUndefined();
    expect(voiceUrl1.requests).toHaveLength(1);

    const borrowing = await registered(member(roomKey, app2), 'sakura-2');
    borrowing.invite('bob');
    const refused = await borrowing.next('hangup');
    expect(refused.payload.error).toMatchObject({ code: 21218 });
    expect(voiceUrl2.requests).toHaveLength(0);
    // The account's own keys (no App named) still use any App, as on Twilio.
    expect(account.keyMayUseApp(keyA.sid, app2)).toBe(true);
  });
});

describe('a Voice webhook sent another way (the room: over the member’s own connection)', () => {
  it('asks the sender for the App of the call, rings what its TwiML dials, and gives 11200 for its failure', async () => {
    const sent: { applicationSid: string; url: string; params: Record<string, string> }[] = [];
    const room = await startEmulator({
      account,
      log: (line) => logs.push(line),
      // App 1 answers with a <Dial> to bob; App 2's member is away (no connection).
      voiceWebhook: async ({ applicationSid, url, params, authToken }) => {
        sent.push({ applicationSid, url, params });
        expect(authToken).toBe(base.AUTH_TOKEN);
        return applicationSid === app1
          ? { ok: true, twiml: dialTwiml(['bob']), elapsedMs: 1 }
          : {
              ok: false,
              aborted: false,
              error: { code: SignalError.webhookFailed, message: 'member away' },
              elapsedMs: 1,
            };
      },
    });
    try {
      const connect = async (credentials: EmulatorCredentials, identity: string) => {
        const connected = await TestDevice.connect(room.url);
        devices.push(connected);
        await connected.register(voiceToken(credentials, identity));
        return connected;
      };
      const alice = await connect(memberA, 'alice');
      const bob = await connect(memberB, 'bob');

      alice.invite('bob');
      const invite = await bob.next('invite');
      bob.send('reject', { callsid: invite.payload.callsid });
      await alice.next('hangup');

      bob.invite('alice');
      expect((await bob.next('hangup')).payload.error).toMatchObject({ code: 11200 });
      expect(sent.map(({ applicationSid, url }) => ({ applicationSid, url }))).toEqual([
        { applicationSid: app1, url: voiceUrl1.url },
        { applicationSid: app2, url: voiceUrl2.url },
      ]);
      expect(sent[0]?.params).toMatchObject({ From: 'client:alice', To: 'bob' });
      // Nothing was POSTed: the sender is the only way out.
      expect([...voiceUrl1.requests, ...voiceUrl2.requests]).toEqual([]);
    } finally {
      await Promise.all(devices.map((device) => device.close()));
      devices = [];
      await room.close();
    }
  });
});

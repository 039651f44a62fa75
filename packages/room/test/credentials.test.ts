import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Account, verifyVoiceToken } from '@kit/emulator';
import { signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMemberKeys, type RunningRoom } from '../src/index.js';
import { call, errorCode, joinAs, report, startTestRoom, tempDir } from './helpers.js';

/**
 * What the room gives each member at the join (an API key, a TwiML App, the
 * room's account SID and auth token), kept across a restart, and taken back
 * from the board (退室させる).
 */
let dir = '';
let remove: () => Promise<void>;
beforeAll(async () => {
  const temp = await tempDir();
  dir = join(temp.dir, 'data');
  remove = temp.remove;
});
afterAll(() => remove());

const FAKE = (prefix: string) => new RegExp(`^${prefix}0{16}[0-9a-f]{16}$`);

describe('credentials at the join', () => {
  let room: RunningRoom;
  beforeAll(async () => {
    room = await startTestRoom(dir);
  });
  afterAll(() => room.close());

  it('gives each member a key and an App of their own, and the room account', async () => {
    const a = await joinAs(room, 'a');
    const b = await joinAs(room, 'b');
    expect(a.credentials).toEqual({
      ACCOUNT_SID: expect.stringMatching(FAKE('AC')),
      AUTH_TOKEN: expect.stringMatching(/^[0-9a-f]{32}$/),
      API_KEY: expect.stringMatching(FAKE('SK')),
      API_SECRET: expect.stringMatching(/^[0-9a-f]{32}$/),
      TWIML_APP_SID: expect.stringMatching(FAKE('AP')),
    });
    expect(b.credentials.ACCOUNT_SID).toBe(a.credentials.ACCOUNT_SID);
    expect(b.credentials.AUTH_TOKEN).toBe(a.credentials.AUTH_TOKEN);
    expect(b.credentials.API_KEY).not.toBe(a.credentials.API_KEY);
    expect(b.credentials.API_SECRET).not.toBe(a.credentials.API_SECRET);
    expect(b.credentials.TWIML_APP_SID).not.toBe(a.credentials.TWIML_APP_SID);
    expect(room.account()).toEqual({
      accountSid: a.credentials.ACCOUNT_SID,
      authToken: a.credentials.AUTH_TOKEN,
    });
    expect(room.memberKeys()).toEqual([
      {
        memberId: a.memberId,
        keySid: a.credentials.API_KEY,
        secret: a.credentials.API_SECRET,
        appSid: a.credentials.TWIML_APP_SID,
        // The key signs only the member's own identity (and second tabs of it).
        owner: a.identity,
        revoked: false,
      },
      expect.objectContaining({
        memberId: b.memberId,
        keySid: b.credentials.API_KEY,
        owner: b.identity,
      }),
    ]);
  });

  it('never writes a secret to the log', async () => {
    const log = await readFile(join(dir, 'current.jsonl'), 'utf8');
    const { authToken } = room.account();
    expect(log).not.toContain(authToken);
    for (const key of room.memberKeys()) {
      expect(log).toContain(key.keySid);
      expect(log).not.toContain(key.secret);
    }
  });
});

describe('a restarted room', () => {
  it('keeps the same account and every member key valid, with the same values', async () => {
    const first = await startTestRoom(dir);
    const account = first.account();
    const keys = first.memberKeys();
    await first.close();
    expect(keys.length).toBe(2);
    const second = await startTestRoom(dir);
    try {
      expect(second.resumed).toBe(true);
      expect(second.account()).toEqual(account);
      expect(second.memberKeys()).toEqual(keys);
    } finally {
      await second.close();
    }
  });
});

describe('a room from before the room secret', () => {
  it('resumes with a one-line key file, and keeps the secret it gets then', async () => {
    const temp = await tempDir();
    const data = join(temp.dir, 'data');
    try {
      const first = await startTestRoom(data);
      await first.close();
      const keyFile = join(data, 'current.key');
      const [instructorKey] = (await readFile(keyFile, 'utf8')).split('\n');
      await writeFile(keyFile, `${instructorKey}\n`);
      const second = await startTestRoom(data);
      const account = second.account();
      await second.close();
      expect(second.instructorKey).toBe(instructorKey);
      expect(account).not.toEqual(first.account());
      expect((await readFile(keyFile, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const third = await startTestRoom(data);
      await third.close();
      expect(third.account()).toEqual(account);
    } finally {
      await temp.remove();
    }
  });
});

describe('退室させる (revoke)', () => {
  let room: RunningRoom;
  beforeAll(async () => {
    room = await startTestRoom(dir);
  });
  afterAll(() => room.close());

  it('is a POST naming a member the room knows', async () => {
    const dave = await joinAs(room, 'dave');
    const path = `/api/board/members/${dave.memberId}/revoke`;
    const wrongMethod = await call(room, path, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    const ghost = await call(room, '/api/board/members/m-00000000000000ff/revoke', {
      method: 'POST',
    });
    expect([ghost.status, errorCode(ghost)]).toEqual([404, 'member_unknown']);
  });

  it('revokes the key, takes the member off the board, and refuses their later requests', async () => {
    const eve = await joinAs(room, 'eve');
    expect((await call(room, '/api/report', { token: eve.token, body: report(1) })).status).toBe(
      202,
    );
    const revoked = await call(room, `/api/board/members/${eve.memberId}/revoke`, {
      method: 'POST',
    });
    expect(revoked.json).toEqual({ ok: true, revoked: true });
    const again = await call(room, `/api/board/members/${eve.memberId}/revoke`, {
      method: 'POST',
    });
    expect(again.json).toEqual({ ok: true, revoked: false });

    const later = await call(room, '/api/report', { token: eve.token, body: report(1) });
    expect([later.status, errorCode(later)]).toEqual([403, 'member_revoked']);
    expect((later.json as { error: { message: string } }).error.message).toContain('退室');
    const hand = await call(room, '/api/hand', { token: eve.token, body: {} });
    expect([hand.status, errorCode(hand)]).toEqual([403, 'member_revoked']);

    expect(room.snapshot().members.map((m) => m.memberId)).not.toContain(eve.memberId);
    expect(room.memberKeys().find((key) => key.memberId === eve.memberId)).toMatchObject({
      keySid: eve.credentials.API_KEY,
      revoked: true,
    });
  });

  it('stays revoked after a restart', async () => {
    await room.close();
    room = await startTestRoom(dir);
    expect(room.memberKeys().filter((key) => key.revoked).length).toBe(1);
  });

  it("loads into the emulator's Account: live keys with their secrets, no revoked key", () => {
    const { accountSid, authToken } = room.account();
    const account = new Account({ accountSid, authToken });
    const keys = room.memberKeys();
    loadMemberKeys(account, keys, (memberId) => `http://127.0.0.1:1/voice/${memberId}`);
    for (const key of keys) {
      expect(account.secretOf(key.keySid)).toBe(key.revoked ? undefined : key.secret);
      expect(account.ownerOf(key.keySid)).toBe(key.revoked ? undefined : key.owner);
      expect(account.voiceUrlOf(key.appSid)).toBe(`http://127.0.0.1:1/voice/${key.memberId}`);
    }
    expect(keys.some((key) => key.revoked)).toBe(true);
  });
});

describe('the identity each member owns', () => {
  let room: RunningRoom;
  const roomDir = () => join(dir, '..', 'identity-room');
  beforeAll(async () => {
    room = await startTestRoom(roomDir());
  });
  afterAll(() => room.close());

  const joinWith = (name: string, identity?: string) =>
    call(room, '/api/join', {
      body: { code: room.code, name, ...(identity === undefined ? {} : { identity }) },
    });

  it('is the display name when it fits the rule, and must be given for a Japanese name', async () => {
    const sakura = await joinWith('sakura');
    expect(sakura.status).toBe(201);
    expect(sakura.json).toMatchObject({ name: 'sakura', identity: 'sakura' });

    const japanese = await joinWith('さくら');
    expect(japanese.status).toBe(400);
    expect(errorCode(japanese)).toBe('identity_required');
    expect(japanese.text).toContain('--identity');

    const bad = await joinWith('ボブ', 'bob<script>');
    expect(errorCode(bad)).toBe('identity_invalid');

    const bob = await joinWith('ボブ', 'bob');
    expect(bob.json).toMatchObject({ name: 'ボブ', identity: 'bob' });
  });

  it('is nobody else’s: the same name, another case, or a second tab of it is taken (409)', async () => {
    for (const identity of ['sakura', 'Sakura', 'sakura-2']) {
      const taken = await joinWith('さくら2', identity);
      expect(taken.status, identity).toBe(409);
      expect(errorCode(taken)).toBe('identity_taken');
    }
    expect((await joinWith('さくら2', 'sakurako')).status).toBe(201);
  });

  it("is kept across a restart, and the member's key signs only it and its second tabs", async () => {
    await room.close();
    room = await startTestRoom(roomDir());
    const keys = room.memberKeys();
    expect(keys.map((key) => key.owner)).toEqual(['sakura', 'bob', 'sakurako']);

    const { accountSid, authToken } = room.account();
    const account = new Account({ accountSid, authToken });
    loadMemberKeys(account, keys, (memberId) => `http://127.0.0.1:1/voice/${memberId}`);
    const [sakuraKey] = keys;
    if (!sakuraKey) throw new Error('no key');
    const tokenFor = (identity: string) =>
      signAccessToken(
        voiceTokenClaims(
          { ACCOUNT_SID: accountSid, API_KEY: sakuraKey.keySid, TWIML_APP_SID: sakuraKey.appSid },
          identity,
        ),
        sakuraKey.secret,
      );
    expect(verifyVoiceToken(tokenFor('sakura'), account).ok).toBe(true);
    expect(verifyVoiceToken(tokenFor('sakura-2'), account).ok).toBe(true);
    expect(verifyVoiceToken(tokenFor('bob'), account)).toMatchObject({
      ok: false,
      error: { code: 31204 },
      identityRefused: { keySid: sakuraKey.keySid, identity: 'bob' },
    });
  });
});

describe('who tried to register as someone else', () => {
  let room: RunningRoom;
  beforeAll(async () => {
    room = await startTestRoom(join(dir, '..', 'refused-room'));
  });
  afterAll(() => room.close());

  it('is recorded against the member whose key tried, shown on the board, and kept across a restart', async () => {
    const sakura = await joinAs(room, 'さくら', 'sakura');
    await joinAs(room, 'bob');
    expect(
      await room.identityRefused({ keySid: sakura.credentials.API_KEY, identity: 'bob' }),
    ).toBe(true);
    // A key no member holds is nobody's attempt.
    expect(await room.identityRefused({ keySid: `SK${'0'.repeat(32)}`, identity: 'x' })).toBe(
      false,
    );
    const shown = () =>
      room.snapshot().members.map(({ identity, refusedIdentity }) => ({
        identity,
        tried: refusedIdentity?.identity ?? null,
      }));
    expect(shown()).toEqual(
      expect.arrayContaining([
        { identity: 'sakura', tried: 'bob' },
        { identity: 'bob', tried: null },
      ]),
    );
    await room.close();
    room = await startTestRoom(join(dir, '..', 'refused-room'));
    expect(shown()).toEqual(expect.arrayContaining([{ identity: 'sakura', tried: 'bob' }]));
  });

  it('keeps a long name cut whole, never half a character, and the log replays it', async () => {
    const kaito = await joinAs(room, 'kaito');
    const long = `a${'𠮷'.repeat(40)}`; // 81 UTF-16 units: unit 64 is half of a pair
    expect(await room.identityRefused({ keySid: kaito.credentials.API_KEY, identity: long })).toBe(
      true,
    );
    const tried = () =>
      room.snapshot().members.find((member) => member.identity === 'kaito')?.refusedIdentity
        ?.identity;
    expect(tried()).toBe(`a${'𠮷'.repeat(31)}`);
    await room.close();
    room = await startTestRoom(join(dir, '..', 'refused-room'));
    expect(tried()).toBe(`a${'𠮷'.repeat(31)}`);
  });
});

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkMembership,
  forgetMembership,
  joinRoom,
  lowerHand,
  type Membership,
  normalizeRoomUrl,
  raiseHand,
  readMembership,
  roomFilePath,
  roomHello,
  sendReport,
  writeMembership,
} from '../src/node/room-client.js';
import { checkRoomCredentials, type StepReport } from '../src/room.js';
import {
  closedRoomUrl,
  FAKE_ROOM_CODE,
  type FakeRoom,
  startFakeRoom,
} from '../src/testing/fake-room.js';

let room: FakeRoom;
let scratch = '';
beforeAll(async () => {
  room = await startFakeRoom();
  scratch = await mkdtemp(join(tmpdir(), 'kit-room-client-'));
});
afterAll(async () => {
  await room.close();
  await rm(scratch, { recursive: true, force: true });
});

const REPORT: StepReport = {
  step: 3,
  stages: [
    { id: '3-1', passed: true },
    { id: '3-2', passed: false },
  ],
  failingStage: '3-2',
  hintId: 'stage:3-2',
  passed: false,
  durationMs: 1234,
  kitVersion: '0.0.0',
};

describe('normalizeRoomUrl', () => {
  it.each([
    ['http://192.168.0.10:4600/', 'http://192.168.0.10:4600'],
    ['192.168.0.10:4600', 'http://192.168.0.10:4600'],
    ['  https://room.example/board?x=1#y ', 'https://room.example'],
    ['HTTP://Room.Example:80/', 'http://room.example'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeRoomUrl(input)).toEqual({ ok: true, url: expected });
  });

  it.each([
    'file:///etc/passwd',
    'ftp://192.168.0.10',
    'javascript:alert(1)',
    'http://user:pass@192.168.0.10:4600',
    '',
    'http://',
  ])('refuses %s', (input) => {
    expect(normalizeRoomUrl(input).ok).toBe(false);
  });
});

describe('the membership file', () => {
  const membership: Membership = {
    roomUrl: 'http://127.0.0.1:4600',
    memberId: 'm-0123456789abcdef',
    token: 'A'.repeat(43),
    name: '花子',
    joinedAt: '2025-01-01T00:00:00.000Z',
  };

  it('is written with mode 0600, atomically, and read back', async () => {
    const file = join(scratch, 'nested/.kit/room.json');
    await writeMembership(file, membership);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(membership);
    expect(await readdir(join(scratch, 'nested/.kit'))).toEqual(['room.json']);
    expect(await readMembership(file)).toEqual({ kind: 'member', membership });
    expect(await forgetMembership(file)).toBe(true);
    expect(await readMembership(file)).toEqual({ kind: 'none' });
    expect(await forgetMembership(file)).toBe(false);
  });

  it('keeps the phone name the member owns in the room, and refuses one the rule does not allow', async () => {
    const file = join(scratch, 'with-identity.json');
    await writeMembership(file, { ...membership, identity: 'hanako' });
    expect(await readMembership(file)).toEqual({
      kind: 'member',
      membership: { ...membership, identity: 'hanako' },
    });
    await writeFile(file, JSON.stringify({ ...membership, identity: '<b>x</b>' }));
    expect((await readMembership(file)).kind).toBe('invalid');
  });

  it('says a file that is not a membership is invalid', async () => {
    const file = join(scratch, 'broken.json');
    await writeFile(file, '{"roomUrl": "file:///x"}');
    expect((await readMembership(file)).kind).toBe('invalid');
  });

  it('is KIT_ROOM_FILE when set, .kit/room.json under the repository otherwise', () => {
    expect(roomFilePath({ KIT_ROOM_FILE: '/tmp/x.json' })).toBe('/tmp/x.json');
    expect(roomFilePath({})).toMatch(/[/\\]\.kit[/\\]room\.json$/);
    expect(roomFilePath({})).not.toMatch(/packages/);
  });
});

describe('talking to the room', () => {
  it('recognises a room, and something that is not one', async () => {
    expect(await roomHello(`${room.url}/board`)).toEqual({
      ok: true,
      url: room.url,
      phonesPort: null,
    });
    const other = await startFakeRoom({ hello: { hello: 'world' } });
    try {
      expect(await roomHello(other.url)).toMatchObject({ ok: false, reason: 'not_a_room' });
    } finally {
      await other.close();
    }
  });

  it('joins, and every later request carries the token', async () => {
    const joined = await joinRoom(room.url, 'kx3-4mp', ' 山田 花子 ');
    if (!joined.ok) throw new Error(joined.message);
    const { membership } = joined;
    expect(membership).toMatchObject({ roomUrl: room.url, name: '山田 花子' });
    // The room's credentials come with the join (the membership file never holds them).
    expect(joined.credentials).toMatchObject({
      ACCOUNT_SID: expect.stringMatching(/^AC0{16}[0-9a-f]{16}$/),
      API_KEY: expect.stringMatching(/^SK0{16}[0-9a-f]{16}$/),
      API_SECRET: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(Object.keys(membership)).not.toContain('credentials');
    expect(room.requests.at(-1)?.body).toEqual({ code: FAKE_ROOM_CODE, name: '山田 花子' });
    expect(await checkMembership(membership)).toEqual({
      ok: true,
      memberId: membership.memberId,
      name: '山田 花子',
    });
    expect(await sendReport(membership, REPORT)).toEqual({ ok: true });
    expect(room.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/report',
      authorization: `Bearer ${membership.token}`,
      body: REPORT,
    });
    expect(await raiseHand(membership, '3-2 がわかりません')).toEqual({ ok: true });
    expect(room.requests.at(-1)?.body).toEqual({ message: '3-2 がわかりません' });
    expect(await raiseHand(membership, '')).toEqual({ ok: true });
    expect(room.requests.at(-1)?.body).toEqual({});
    expect(await lowerHand(membership)).toEqual({ ok: true });
    expect(room.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/hand' });
  });

  it('passes on the room’s refusal, and refuses bad values before sending', async () => {
    const before = room.requests.length;
    expect(await joinRoom(room.url, 'KX34MX', '花子')).toMatchObject({
      ok: false,
      reason: 'refused',
      code: 'code_wrong',
      status: 403,
      message: '参加コードが違います。講師が示したコードを確認してください。',
    });
    expect(room.requests.length).toBe(before + 1);
    expect(await joinRoom(room.url, 'KX34MP', 'a\u0007b')).toMatchObject({
      ok: false,
      reason: 'invalid',
      code: 'name_invalid',
    });
    expect(await joinRoom(room.url, 'K0', '花子')).toMatchObject({ reason: 'invalid' });
    const member = { ...room.addMember('x'), roomUrl: room.url, joinedAt: '' };
    expect(await raiseHand(member, 'あ'.repeat(141))).toMatchObject({
      reason: 'invalid',
      code: 'message_invalid',
    });
    expect(room.requests.length).toBe(before + 1);
    room.members.delete(member.token);
    expect(await checkMembership(member)).toMatchObject({
      reason: 'refused',
      code: 'member_unknown',
      status: 401,
    });
  });

  it('answers with a reason, never an exception, when the room is gone or silent', async () => {
    const gone = await closedRoomUrl();
    expect(await roomHello(gone, 1000)).toMatchObject({ ok: false, reason: 'unreachable' });
    const silent = await startFakeRoom({ delayMs: Number.POSITIVE_INFINITY });
    try {
      const member = { ...room.addMember('x'), roomUrl: silent.url, joinedAt: '' };
      const started = Date.now();
      expect(await sendReport(member, REPORT, { timeoutMs: 300 })).toMatchObject({
        ok: false,
        reason: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
  });
});

describe('the credentials a join gives', () => {
  const good = {
    ACCOUNT_SID: `AC${'0'.repeat(16)}${'a'.repeat(16)}`,
    AUTH_TOKEN: 'b'.repeat(32),
    API_KEY: `SK${'0'.repeat(16)}${'c'.repeat(16)}`,
    API_SECRET: 'd'.repeat(32),
    TWIML_APP_SID: `AP${'0'.repeat(16)}${'e'.repeat(16)}`,
  };
  it('takes the five values of the right shapes, and nothing else', () => {
    expect(checkRoomCredentials({ ...good, extra: 'x' })).toEqual(good);
  });
  it('refuses a value a .env line could not hold, or one of the wrong shape', () => {
    expect(checkRoomCredentials({ ...good, API_SECRET: 'abc\nEVIL=1' })).toBeNull();
    expect(checkRoomCredentials({ ...good, API_KEY: good.ACCOUNT_SID })).toBeNull();
    expect(checkRoomCredentials({ ...good, TWIML_APP_SID: undefined })).toBeNull();
    expect(checkRoomCredentials(null)).toBeNull();
  });
});

import { join } from 'node:path';
import type { RegistrationView as Registration } from '@kit/emulator';
import { checkRoomDirectory, DIRECTORY_MAX_PHONES, type RoomDirectory } from '@kit/shared/room';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDirectory,
  type MemberState,
  type RoomPhones,
  type RunningRoom,
} from '../src/index.js';
import { call, errorCode, joinAs, startTestRoom, tempDir } from './helpers.js';

/**
 * GET /api/directory: the phones registered in the room's emulator now, each with
 * its owner's display name, for the members' phones (「教室の電話」). Read from a
 * fake emulator attached with `watchPhones`, as `startRoomEmulator` attaches the real one.
 */
function fakePhones(registrations: () => Registration[]): RoomPhones {
  return { registrations, calls: () => [], onCallConnected: () => () => {} };
}

describe('GET /api/directory', () => {
  let room: RunningRoom;
  let remove: () => Promise<void>;
  let registered: Registration[] = [];
  beforeAll(async () => {
    const temp = await tempDir();
    remove = temp.remove;
    room = await startTestRoom(join(temp.dir, 'data'));
  });
  afterAll(async () => {
    await room.close();
    await remove();
  });

  it('needs a member’s token', async () => {
    const none = await call(room, '/api/directory');
    expect([none.status, errorCode(none)]).toEqual([401, 'member_unknown']);
    const wrong = await call(room, '/api/directory', { token: 'x'.repeat(43) });
    expect([wrong.status, errorCode(wrong)]).toEqual([401, 'member_unknown']);
    const member = await joinAs(room, 'early');
    const post = await call(room, '/api/directory', { token: member.token, body: {} });
    expect([post.status, errorCode(post)]).toEqual([405, 'method_not_allowed']);
  });

  it('lists nobody before the room’s emulator is attached', async () => {
    const member = await joinAs(room, 'lonely');
    const answer = await call(room, '/api/directory', { token: member.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ phones: [] });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('lists each identity registered now with its owner’s name, sorted, once, and follows the emulator', async () => {
    const hanako = await joinAs(room, 'はなこ', 'hanako');
    const bob = await joinAs(room, '<b>bob</b>', 'bob');
    const zed = await joinAs(room, 'zed');
    const detach = room.watchPhones(fakePhones(() => registered));
    registered = [
      { identity: 'zed', keySid: zed.credentials.API_KEY },
      { identity: 'hanako-2', keySid: hanako.credentials.API_KEY },
      { identity: 'hanako', keySid: hanako.credentials.API_KEY },
      // A second device of the same name is one phone to call.
      { identity: 'hanako', keySid: hanako.credentials.API_KEY },
      { identity: 'bob', keySid: bob.credentials.API_KEY },
      // A key no member holds, and a name its key's member does not own: never listed.
      { identity: 'mallory', keySid: `SK${'0'.repeat(32)}` },
      { identity: 'zed', keySid: bob.credentials.API_KEY },
      { identity: 'zed-evil', keySid: hanako.credentials.API_KEY },
    ];
    const answer = await call(room, '/api/directory', { token: zed.token });
    expect(answer.status, answer.text).toBe(200);
    const expected: RoomDirectory = {
      phones: [
        { identity: 'bob', name: '<b>bob</b>' },
        { identity: 'zed', name: 'zed' },
        { identity: 'hanako', name: 'はなこ' },
        { identity: 'hanako-2', name: 'はなこ' },
      ],
    };
    expect(answer.json).toEqual(expected);
    // What the room sends passes the kit's own strict check.
    expect(checkRoomDirectory(answer.json)).toEqual(expected);

    registered = [{ identity: 'bob', keySid: bob.credentials.API_KEY }];
    expect((await call(room, '/api/directory', { token: zed.token })).json).toEqual({
      phones: [{ identity: 'bob', name: '<b>bob</b>' }],
    });
    detach();
    expect((await call(room, '/api/directory', { token: zed.token })).json).toEqual({
      phones: [],
    });
  });

  it('refuses a revoked member (403), and lists their phones no more', async () => {
    const eve = await joinAs(room, 'eve');
    const amy = await joinAs(room, 'amy');
    registered = [
      { identity: 'eve', keySid: eve.credentials.API_KEY },
      { identity: 'amy', keySid: amy.credentials.API_KEY },
    ];
    const detach = room.watchPhones(fakePhones(() => registered));
    try {
      const before = await call(room, '/api/directory', { token: amy.token });
      expect(before.json).toEqual({
        phones: [
          { identity: 'amy', name: 'amy' },
          { identity: 'eve', name: 'eve' },
        ],
      });
      const revoked = await call(room, `/api/board/members/${eve.memberId}/revoke`, {
        method: 'POST',
      });
      expect(revoked.json).toEqual({ ok: true, revoked: true });
      const refused = await call(room, '/api/directory', { token: eve.token });
      expect([refused.status, errorCode(refused)]).toEqual([403, 'member_revoked']);
      expect(refused.text).not.toContain('amy');
      // The emulator unregisters a revoked key's phones; a late one is not listed meanwhile.
      const after = await call(room, '/api/directory', { token: amy.token });
      expect(after.json).toEqual({ phones: [{ identity: 'amy', name: 'amy' }] });
    } finally {
      detach();
    }
  });
});

describe('buildDirectory', () => {
  const member = (n: number, extra: Partial<MemberState> = {}): MemberState => ({
    memberId: `m-${n.toString(16).padStart(16, '0')}`,
    name: `名前${n}`,
    tokenHash: '',
    joinedAt: 0,
    latest: null,
    failing: null,
    passedAt: new Map(),
    hand: null,
    apiKeySid: `SK${n.toString(16).padStart(32, '0')}`,
    twimlAppSid: null,
    identity: `user${n}`,
    refusedIdentity: null,
    firstCall: null,
    mediaFailure: null,
    revoked: false,
    ...extra,
  });

  it(`stops at ${DIRECTORY_MAX_PHONES} phones`, () => {
    const members = Array.from({ length: DIRECTORY_MAX_PHONES + 20 }, (_, n) => member(n));
    const directory = buildDirectory(
      members.map((m) => ({ identity: m.identity ?? '', keySid: m.apiKeySid ?? '' })),
      members,
    );
    expect(directory.phones).toHaveLength(DIRECTORY_MAX_PHONES);
    expect(checkRoomDirectory(directory)).not.toBeNull();
  });

  it('lists any name a member from before identities registered with their key', () => {
    const old = member(1, { identity: null });
    expect(buildDirectory([{ identity: 'legacy', keySid: old.apiKeySid ?? '' }], [old])).toEqual({
      phones: [{ identity: 'legacy', name: '名前1' }],
    });
  });
});

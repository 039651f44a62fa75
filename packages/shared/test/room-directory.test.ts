import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDirectory, type Membership } from '../src/node/room-client.js';
import { checkRoomDirectory, DIRECTORY_MAX_PHONES, ROOM_PATHS } from '../src/room.js';
import { type FakeRoom, startFakeRoom } from '../src/testing/fake-room.js';

/**
 * The room's directory (「教室の電話」) as the kit reads it: the room's answer is
 * hostile until `checkRoomDirectory` says otherwise, since each identity becomes
 * the phone's `To` and each name is shown on the attendee's page.
 */
const phone = (identity: unknown, name: unknown = identity) => ({ identity, name });

describe('checkRoomDirectory', () => {
  it('takes phones of the contract, with only their two fields', () => {
    expect(
      checkRoomDirectory({
        phones: [{ ...phone('hanako', 'はなこ'), token: 'secret' }, phone('bob', '<b>bob</b>')],
        extra: true,
      }),
    ).toEqual({ phones: [phone('hanako', 'はなこ'), phone('bob', '<b>bob</b>')] });
    expect(checkRoomDirectory({ phones: [] })).toEqual({ phones: [] });
  });

  it.each([
    ['not an object', 'phones'],
    ['null', null],
    ['an array', [phone('a')]],
    ['no phones', {}],
    ['phones not an array', { phones: { 0: phone('a') } }],
    ['a phone not an object', { phones: ['a'] }],
    ['an identity the rule refuses', { phones: [phone('<b>x</b>', 'x')] }],
    ['an identity as a phone number', { phones: [phone('+819012345678', 'x')] }],
    ['an identity too long', { phones: [phone('a'.repeat(65), 'x')] }],
    ['no identity', { phones: [{ name: 'x' }] }],
    ['a name too long', { phones: [phone('a', 'あ'.repeat(33))] }],
    ['an empty name', { phones: [phone('a', '')] }],
    ['a name with a control character', { phones: [phone('a', 'a\u0007b')] }],
    ['a name with a direction override', { phones: [phone('a', 'a\u202eb')] }],
    ['a name not in its stored form', { phones: [phone('a', ' a ')] }],
    ['a name not a string', { phones: [phone('a', 42)] }],
    ['the same identity twice', { phones: [phone('a', 'x'), phone('a', 'y')] }],
    [
      `more than ${DIRECTORY_MAX_PHONES} phones`,
      { phones: Array.from({ length: DIRECTORY_MAX_PHONES + 1 }, (_, n) => phone(`p${n}`)) },
    ],
  ])('refuses %s', (_what, value) => {
    expect(checkRoomDirectory(value)).toBeNull();
  });

  it(`takes ${DIRECTORY_MAX_PHONES} phones`, () => {
    const phones = Array.from({ length: DIRECTORY_MAX_PHONES }, (_, n) => phone(`p${n}`));
    expect(checkRoomDirectory({ phones })?.phones).toHaveLength(DIRECTORY_MAX_PHONES);
  });
});

describe('fetchDirectory', () => {
  let room: FakeRoom;
  let member: Membership;
  beforeAll(async () => {
    room = await startFakeRoom();
    member = { ...room.addMember('はなこ'), roomUrl: room.url, joinedAt: '' };
  });
  afterAll(() => room.close());

  it('asks the room with the member’s token and takes a directory of the contract', async () => {
    room.directory = { phones: [phone('bob', 'ボブ')] };
    expect(await fetchDirectory(member)).toEqual({
      ok: true,
      directory: { phones: [phone('bob', 'ボブ')] },
    });
    expect(room.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: ROOM_PATHS.directory,
      authorization: `Bearer ${member.token}`,
    });
  });

  it('says a hostile answer is unexpected, and passes on the room’s refusal', async () => {
    room.directory = { phones: [phone('<img src=x onerror=alert(1)>', 'x')] };
    expect(await fetchDirectory(member)).toMatchObject({
      ok: false,
      reason: 'unexpected',
      message: expect.stringContaining('教室の電話'),
    });
    const stranger = { ...member, token: 'B'.repeat(43) };
    expect(await fetchDirectory(stranger)).toMatchObject({
      ok: false,
      reason: 'refused',
      status: 401,
      code: 'member_unknown',
    });
  });

  it('gives up after its timeout, with a reason', async () => {
    const silent = await startFakeRoom({ delayMs: Number.POSITIVE_INFINITY });
    try {
      const started = Date.now();
      expect(
        await fetchDirectory({ ...member, roomUrl: silent.url }, { timeoutMs: 200 }),
      ).toMatchObject({ ok: false, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoomCredentials } from '@kit/shared/room';
import { readMembership } from '@kit/shared/room-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { helpMain, joinMain, leaveMain, type RoomCommandIo } from '../src/commands/index.js';
import { withPreviousLines, withRoomCredentials } from '../src/commands/room-env.js';
import type { RunningRoom } from '../src/server.js';
import { call, startTestRoom, tempDir } from './helpers.js';

/**
 * `pnpm room:join` writes the room's credentials into the attendee's .env (its
 * other lines kept) and `pnpm room:leave` puts the old ones back, against the
 * real room server in this process.
 */
let room: RunningRoom;
let remove: () => Promise<void>;
let scratch = '';
let counter = 0;
let envFile = '';
let roomFile = '';
beforeAll(async () => {
  const temp = await tempDir();
  remove = temp.remove;
  room = await startTestRoom(join(temp.dir, 'data'));
  scratch = await mkdtemp(join(tmpdir(), 'kit-room-env-'));
});
afterAll(async () => {
  await room.close();
  await remove();
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  counter += 1;
  envFile = join(scratch, `env-${counter}`);
  roomFile = join(scratch, `room-${counter}.json`);
});

async function run(
  main: (argv: readonly string[], io: RoomCommandIo) => Promise<number>,
  argv: string[],
): Promise<{ code: number; output: string }> {
  let output = '';
  const io: RoomCommandIo = {
    stdout: (text) => {
      output += text;
    },
    stderr: (text) => {
      output += text;
    },
    env: { KIT_ROOM_FILE: roomFile, KIT_ENV_FILE: envFile },
  };
  return { code: await main(argv, io), output };
}

/** Every join in this file is another member of the one room: each owns an identity of its own. */
let joins = 0;
const joinRoom = () =>
  run(joinMain, [
    room.url,
    '--name',
    '花子',
    '--code',
    room.code,
    '--identity',
    `hanako${++joins}`,
  ]);

const ORIGINAL = [
  '# 自分の Twilio アカウント',
  'ACCOUNT_SID=AC0123456789abcdef0123456789abcdef',
  'AUTH_TOKEN="my real token"',
  '',
  '# 手順3 で使う',
  'MY_NUMBER=+81312345678',
  'export API_KEY=SKfedcba9876543210fedcba9876543210',
  'API_SECRET=old-secret # after',
  'OTHER=1',
  '',
].join('\n');

function envValue(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];
}

describe('pnpm room:join and the .env', () => {
  it('writes the five values, keeps every other line and comment, backs up, and prints no secret', async () => {
    await writeFile(envFile, ORIGINAL);
    const joined = await joinRoom();
    expect(joined.code, joined.output).toBe(0);
    expect(joined.output).toContain(
      '.env の ACCOUNT_SID、AUTH_TOKEN、API_KEY、API_SECRET、TWIML_APP_SID を教室のものにしました(元の値は pnpm room:leave で戻します)',
    );
    // With the room's credentials, the way to call a neighbour.
    expect(joined.output).toContain('隣の人に電話をかけるには: pnpm dev:step 4 --workspace --room');
    const text = await readFile(envFile, 'utf8');
    const { accountSid, authToken } = room.account();
    const key = room.memberKeys().at(-1);
    if (!key) throw new Error('no member key');
    expect(envValue(text, 'ACCOUNT_SID')).toBe(accountSid);
    expect(envValue(text, 'AUTH_TOKEN')).toBe(authToken);
    expect(envValue(text, 'API_KEY')).toBe(key.keySid);
    expect(envValue(text, 'API_SECRET')).toBe(key.secret);
    expect(envValue(text, 'TWIML_APP_SID')).toBe(key.appSid);
    // Every other line is where it was, byte for byte.
    const others = (t: string) =>
      t
        .split('\n')
        .filter((line) => !/(ACCOUNT_SID|AUTH_TOKEN|API_KEY|API_SECRET|TWIML_APP_SID)=/.test(line));
    expect(others(text)).toEqual(others(ORIGINAL));
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# 自分の Twilio アカウント',
      `ACCOUNT_SID=${accountSid}`,
      `AUTH_TOKEN=${authToken}`,
    ]);
    // The backup holds the lines as they were, readable by the owner only.
    const backupFile = join(scratch, `room-${counter}-env-backup.json`);
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(backupFile, 'utf8')).lines).toMatchObject({
      AUTH_TOKEN: ['AUTH_TOKEN="my real token"'],
      API_KEY: ['export API_KEY=SKfedcba9876543210fedcba9876543210'],
      TWIML_APP_SID: [],
    });
    for (const secret of [authToken, key.secret, 'my real token', 'old-secret']) {
      expect(joined.output).not.toContain(secret);
    }
    // The membership file holds no credential but the room token.
    const read = await readMembership(roomFile);
    expect(read.kind).toBe('member');
    expect(await readFile(roomFile, 'utf8')).not.toContain(key.secret);

    const left = await run(leaveMain, []);
    expect(left.code, left.output).toBe(0);
    expect(left.output).toContain(
      '.env の ACCOUNT_SID、AUTH_TOKEN、API_KEY、API_SECRET、TWIML_APP_SID を参加前の値に戻しました',
    );
    expect(left.output).not.toContain('my real token');
    expect(await readFile(envFile, 'utf8')).toBe(ORIGINAL);
    await expect(stat(backupFile)).rejects.toThrow();
  });

  it('leave restores the five keys and leaves lines changed since the join as they are now', async () => {
    await writeFile(envFile, ORIGINAL);
    expect((await joinRoom()).code).toBe(0);
    await writeFile(envFile, `${await readFile(envFile, 'utf8')}ADDED_LATER=yes\n`);
    expect((await run(leaveMain, [])).code).toBe(0);
    expect(await readFile(envFile, 'utf8')).toBe(`${ORIGINAL}ADDED_LATER=yes\n`);
  });

  it('creates a .env (0600) when there is none, and leave removes it again', async () => {
    expect((await joinRoom()).code).toBe(0);
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(envFile, 'utf8')).split('\n').map((l) => l.split('=')[0])).toEqual([
      'ACCOUNT_SID',
      'AUTH_TOKEN',
      'API_KEY',
      'API_SECRET',
      'TWIML_APP_SID',
      '',
    ]);
    expect((await run(leaveMain, [])).code).toBe(0);
    await expect(stat(envFile)).rejects.toThrow();
  });

  it('a member removed from the board is told so, and can put the .env back', async () => {
    await writeFile(envFile, ORIGINAL);
    expect((await joinRoom()).code).toBe(0);
    const read = await readMembership(roomFile);
    if (read.kind !== 'member') throw new Error('not joined');
    const revoked = await call(room, `/api/board/members/${read.membership.memberId}/revoke`, {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    const help = await run(helpMain, []);
    expect(help.code).toBe(1);
    expect(help.output).toContain('講師がこの参加者を教室から退室させました');
    expect(help.output).toContain('pnpm room:leave で .env の値も参加前に戻せます');
    expect((await run(leaveMain, [])).code).toBe(0);
    expect(await readFile(envFile, 'utf8')).toBe(ORIGINAL);
  });
});

describe('the .env edit itself', () => {
  const credentials: RoomCredentials = {
    ACCOUNT_SID: `AC${'0'.repeat(16)}${'1'.repeat(16)}`,
    AUTH_TOKEN: '2'.repeat(32),
    API_KEY: `SK${'0'.repeat(16)}${'3'.repeat(16)}`,
    API_SECRET: '4'.repeat(32),
    TWIML_APP_SID: `AP${'0'.repeat(16)}${'5'.repeat(16)}`,
  };

  it('keeps CRLF line ends, and restores a key written twice as both lines', () => {
    const original = 'A=1\r\nAPI_KEY=first\r\nB=2\r\nAPI_KEY=second\r\nC=3';
    const { text, previous } = withRoomCredentials(original, credentials);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'A=1\r',
      `API_KEY=${credentials.API_KEY}\r`,
      'B=2\r',
    ]);
    expect(text).not.toContain('second');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(previous.API_KEY).toEqual(['API_KEY=first\r', 'API_KEY=second\r']);
    const restored = withPreviousLines(text, previous);
    expect(restored).toBe('A=1\r\nAPI_KEY=first\r\nAPI_KEY=second\r\nB=2\r\nC=3\n');
  });
});

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedRoomUrl, type FakeRoom, startFakeRoom } from '@kit/shared/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { helpMain, joinMain, leaveMain, type RoomCommandIo } from '../src/commands/index.js';

/** The attendee's room commands, run in this process against a fake room. */
let room: FakeRoom;
let scratch = '';
let file = '';
let counter = 0;
beforeAll(async () => {
  room = await startFakeRoom();
  scratch = await mkdtemp(join(tmpdir(), 'kit-room-commands-'));
});
afterAll(async () => {
  await room.close();
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  counter += 1;
  file = join(scratch, `room-${counter}.json`);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  questions: string[];
}

async function run(
  main: (argv: readonly string[], io: RoomCommandIo) => Promise<number>,
  argv: string[],
  answers?: string[],
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const io: RoomCommandIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { KIT_ROOM_FILE: file, KIT_ENV_FILE: join(scratch, `env-${counter}`) },
    ...(answers && {
      ask: async (question: string) => {
        questions.push(question);
        return answers.shift() ?? '';
      },
    }),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, questions };
}

const join_ = (...argv: string[]) => run(joinMain, argv);

/** 花子's join, as an attendee types it (a Japanese name needs the phone's name). */
const HANAKO = ['--name', '花子', '--code', 'KX34MP', '--identity', 'hanako'] as const;

describe('pnpm room:join', () => {
  it('joins with a Japanese name, stores the membership (0600) and says what is shared', async () => {
    const result = await join_(
      `${room.url}/`,
      '--name',
      '山田 花子',
      '--code',
      'kx3-4mp',
      '--identity',
      'hanako',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(stored).sort()).toEqual([
      'identity',
      'joinedAt',
      'memberId',
      'name',
      'roomUrl',
      'token',
    ]);
    expect(stored).toMatchObject({ roomUrl: room.url, name: '山田 花子', identity: 'hanako' });
    expect(result.stdout).toContain('電話の名前(identity): hanako');
    expect(room.members.get(stored.token)?.name).toBe('山田 花子');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(result.stdout).toContain('「山田 花子」として参加しました');
    expect(result.stdout).toContain('講師に送るもの: 表示名、');
    expect(result.stdout).toContain(
      '送らないもの: コード、ファイルの中身、パス、.env の値、秘密の値',
    );
    expect(result.stdout).not.toContain(stored.token);
    // The fake room gives credentials too: they went to .env, and are never printed.
    expect(result.stdout).toContain(
      '.env の ACCOUNT_SID、AUTH_TOKEN、API_KEY、API_SECRET、TWIML_APP_SID を教室のものにしました',
    );
    const env = await readFile(join(scratch, `env-${counter}`), 'utf8');
    const secret = /^API_SECRET=(.+)$/m.exec(env)?.[1] ?? '';
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(result.stdout).not.toContain(secret);
  });

  it('asks for the name and the code on a terminal, after the room answered', async () => {
    const before = room.requests.length;
    const result = await run(
      joinMain,
      [room.url.replace('http://', '')],
      ['花子', 'KX3-4MP', 'hanako'],
    );
    expect(result.code).toBe(0);
    // A Japanese display name is no phone name: the identity is asked for third.
    expect(result.questions).toHaveLength(3);
    expect(result.questions[2]).toContain('identity');
    expect(room.requests.slice(before).map((request) => request.path)).toEqual([
      '/api/room',
      '/api/join',
    ]);
  });

  it('never prompts without a terminal: a missing name is a usage error', async () => {
    const before = room.requests.length;
    const result = await join_(room.url, '--code', 'KX34MP');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^✗ 端末ではないので尋ねられません。--name 表示名 を指定してください。/,
    );
    expect(result.stderr).toContain('使い方: pnpm room:join');
    expect(room.requests.length).toBe(before);
    await expect(stat(file)).rejects.toThrow();
  });

  it('refuses a name with a control character before sending anything', async () => {
    const before = room.requests.length;
    const result = await join_(room.url, '--name', 'ha\u001b[31mnako', '--code', 'KX34MP');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('表示名に制御文字や見えない文字は使えません');
    expect(room.requests.length).toBe(before);
  });

  it('says the room’s own message for a wrong code, exit 1, and stores nothing', async () => {
    const result = await join_(
      room.url,
      '--name',
      '花子',
      '--code',
      'KX34MX',
      '--identity',
      'hanako',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '✗ 参加コードが違います。講師が示したコードを確認してください。',
    );
    await expect(stat(file)).rejects.toThrow();
  });

  it('says when the room does not answer, exit 1', async () => {
    const result = await join_(await closedRoomUrl(), ...HANAKO);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('に接続できません');
  });

  it('refuses a URL that is not http(s), exit 2', async () => {
    const result = await join_('file:///etc/passwd', ...HANAKO);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('http:// か https://');
  });

  it('does not join twice: room:leave first', async () => {
    expect((await join_(room.url, ...HANAKO)).code).toBe(0);
    const first = await readFile(file, 'utf8');
    const again = await join_(room.url, '--name', '太郎', '--code', 'KX34MP', '--identity', 'taro');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('「花子」として参加しています');
    expect(again.stderr).toContain('pnpm room:leave');
    expect(await readFile(file, 'utf8')).toBe(first);
  });
});

describe('pnpm room:leave', () => {
  it('forgets the membership, and says so when there was none', async () => {
    expect((await join_(room.url, ...HANAKO)).code).toBe(0);
    const left = await run(leaveMain, []);
    expect(left.code).toBe(0);
    expect(left.stdout).toContain('教室の参加情報');
    expect(left.stdout).toContain('消しました');
    await expect(stat(file)).rejects.toThrow();
    const again = await run(leaveMain, []);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('教室に参加していません');
  });
});

describe('pnpm room:help', () => {
  it('raises the hand with a message, and lowers it with --done', async () => {
    expect((await join_(room.url, ...HANAKO)).code).toBe(0);
    const { token } = JSON.parse(await readFile(file, 'utf8'));
    const raised = await run(helpMain, ['3-4 で 403 になります']);
    expect(raised.code).toBe(0);
    expect(raised.stdout).toContain('手を挙げました');
    expect(room.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/hand',
      authorization: `Bearer ${token}`,
      body: { message: '3-4 で 403 になります' },
    });
    const lowered = await run(helpMain, ['--done']);
    expect(lowered.code).toBe(0);
    expect(room.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/hand' });
  });

  it('refuses a message of 141 characters before sending it', async () => {
    expect((await join_(room.url, ...HANAKO)).code).toBe(0);
    const before = room.requests.length;
    const result = await run(helpMain, ['あ'.repeat(141)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('メッセージが長すぎます(140 文字まで)');
    expect(room.requests.length).toBe(before);
    expect((await run(helpMain, ['あ'.repeat(140)])).code).toBe(0);
  });

  it('says to join first when not in a room, exit 1', async () => {
    const result = await run(helpMain, []);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '教室に参加していません。先に pnpm room:join URL で参加してください',
    );
  });

  it('says to join again when the room has forgotten the member', async () => {
    expect((await join_(room.url, ...HANAKO)).code).toBe(0);
    const { token } = JSON.parse(await readFile(file, 'utf8'));
    room.members.delete(token);
    const result = await run(helpMain, []);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pnpm room:join URL でもう一度参加してください');
  });

  it('says a broken membership file is unreadable', async () => {
    await writeFile(file, 'not json');
    const result = await run(helpMain, []);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pnpm room:leave');
  });
});

describe('the membership file’s path as shown', () => {
  it('is .kit/room.json from the repository root', async () => {
    const { shownPath } = await import('../src/commands/io.js');
    const { roomFilePath } = await import('@kit/shared/room-client');
    expect(shownPath(roomFilePath({}))).toBe(join('.kit', 'room.json'));
    expect(shownPath('/tmp/x.json')).toBe('/tmp/x.json');
  });
});

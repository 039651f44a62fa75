import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandIo, runCommandInProcess } from '@kit/shared/cli';
import { freePort } from '@kit/shared/ports';
import { readMembership, sendReport } from '@kit/shared/room-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinMain } from '../src/commands/index.js';
import { exportMain } from '../src/instructor/export-command.js';
import type { LanAddress } from '../src/instructor/lan.js';
import { roomMain } from '../src/instructor/room-command.js';
import type { RunningRoom } from '../src/server.js';

/**
 * `pnpm room`, `pnpm room:join` and `pnpm room:export` called as code against
 * the real room server (on 127.0.0.1 here: the venue network is the e2e
 * spec's), one attendee joining and reporting as `step:check` does.
 */
const LOOPBACK_AS_LAN: LanAddress[] = [
  { address: '127.0.0.1', interfaceName: 'lo', private: false },
];
let scratch = '';
let port = 0;
/** A free port whose next one is free too: `pnpm room` serves the phones on port + 1. */
async function freePortAndNext(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = await freePort();
    const next = createServer();
    const free = await new Promise<boolean>((resolve) => {
      next.once('error', () => resolve(false));
      next.listen(candidate + 1, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((done) => next.close(done));
      return candidate;
    }
  }
  throw new Error('no free pair of ports');
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-room-instructor-'));
  port = await freePortAndNext();
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function io(): CommandIo & { out: () => string } {
  let out = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      out += text;
    },
    env: {
      KIT_ROOM_DIR: join(scratch, 'room'),
      KIT_ROOM_FILE: join(scratch, 'member.json'),
      KIT_ENV_FILE: join(scratch, '.env'),
    },
    out: () => out,
  };
}

async function openRoom(argv: string[]): Promise<{ room: RunningRoom; output: string }> {
  const terminal = io();
  let room: RunningRoom | undefined;
  const code = await runCommandInProcess(terminal, async () => {
    room = await roomMain(['--port', String(port), ...argv], terminal, {
      addresses: LOOPBACK_AS_LAN,
    });
  });
  expect(code, terminal.out()).toBe(0);
  if (!room) throw new Error('no room');
  return { room, output: terminal.out() };
}

describe('pnpm room', () => {
  it('opens a room, says it is the one command on the venue network, and prints the join command with its QR code', async () => {
    const { room, output } = await openRoom(['--code', 'kx3-4mp']);
    try {
      expect(room.code).toBe('KX34MP');
      expect(output).toContain('✓ 教室を開きました');
      expect(output).toContain(
        'このコマンドだけは、会場のネットワーク(127.0.0.1、lo)に向けて待ち受けます',
      );
      expect(output).toContain(
        `参加者のコマンド: pnpm room:join http://127.0.0.1:${port} --code KX3-4MP`,
      );
      // A terminal QR code: rows of block characters (on a white background, for dark terminals).
      const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
      expect(plain.split('\n').filter((line) => /^[ █▀▄]{20,}$/.test(line)).length).toBeGreaterThan(
        10,
      );
      // The members' phones register with the room's emulator, on the room's address, the next port.
      expect(output).toContain(`電話の接続先:     ws://127.0.0.1:${port + 1}/signal`);
      expect(output).toContain(`/board?key=${room.instructorKey}`);
      expect(output).toContain('プロジェクターに映さないでください');

      // An attendee joins the real room and reports as step:check does.
      const attendee = io();
      const joined = await runCommandInProcess(attendee, () =>
        joinMain(
          [room.url, '--name', 'さくら', '--code', 'KX3-4MP', '--identity', 'sakura'],
          attendee,
        ),
      );
      expect(joined, attendee.out()).toBe(0);
      const read = await readMembership(join(scratch, 'member.json'));
      if (read.kind !== 'member') throw new Error(`no membership: ${read.kind}`);
      const sent = await sendReport(read.membership, {
        step: 1,
        stages: [{ id: '1-1', passed: true }],
        failingStage: null,
        hintId: null,
        passed: true,
        durationMs: 2100,
        kitVersion: '0.0.0',
      });
      expect(sent.ok).toBe(true);
      expect(room.snapshot().passedByStep['1']).toBe(1);
    } finally {
      await room.close();
    }
  });

  it('resumes the same room when run again, and --new starts another one keeping the old log', async () => {
    const { room, output } = await openRoom([]);
    const { code, instructorKey } = room;
    try {
      expect(code).toBe('KX34MP');
      expect(output).toContain('前回の教室を再開しました');
      expect(room.snapshot().members.map((m) => m.name)).toEqual(['さくら']);
    } finally {
      await room.close();
    }

    const fresh = await openRoom(['--new']);
    try {
      expect(fresh.output).toContain('✓ 教室を開きました');
      expect(fresh.room.instructorKey).not.toBe(instructorKey);
      expect(fresh.room.snapshot().members).toEqual([]);
      expect(fresh.room.archived.length).toBeGreaterThan(0);
    } finally {
      await fresh.room.close();
    }
  });

  it('refuses an address that is not this machine’s, and a code with look-alike characters', async () => {
    const terminal = io();
    const host = await runCommandInProcess(terminal, () =>
      roomMain(['--host', '0.0.0.0'], terminal, { addresses: LOOPBACK_AS_LAN }),
    );
    expect(host).toBe(1);
    expect(terminal.out()).toContain('この PC の LAN のアドレスではありません');
    const badCode = io();
    expect(
      await runCommandInProcess(badCode, () =>
        roomMain(['--code', 'OOOOOO'], badCode, { addresses: LOOPBACK_AS_LAN }),
      ),
    ).toBe(2);
    expect(badCode.out()).toContain('読み間違えやすい文字を除いています');
  });
});

describe('pnpm room:export', () => {
  it('writes who passed which step and when, one row per member, formulas kept as text', async () => {
    // The current room (after --new) is empty; reopen a room with one passing member first.
    const { room } = await openRoom([]);
    const attendee = io();
    attendee.env = { ...attendee.env, KIT_ROOM_FILE: join(scratch, 'member-2.json') };
    try {
      expect(
        await runCommandInProcess(attendee, () =>
          joinMain(
            [room.url, '--name', '=HYPERLINK("x")', '--code', room.code, '--identity', 'formula'],
            attendee,
          ),
        ),
      ).toBe(0);
    } finally {
      await room.close();
    }
    const terminal = io();
    const code = await runCommandInProcess(terminal, () =>
      exportMain(['--out', 'export.csv'], terminal, scratch),
    );
    expect(code, terminal.out()).toBe(0);
    const csv = await readFile(join(scratch, 'export.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF"名前",')).toBe(true);
    // A name that looks like a formula is kept as text.
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(terminal.out()).toContain('1 人の記録');
  });
});

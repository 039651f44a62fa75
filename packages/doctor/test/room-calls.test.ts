import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@kit/emulator';
import { generateLocalCredentials } from '@kit/functions/local-env';
import { type RoomEmulator, type RunningRoom, startRoomServer } from '@kit/room';
import { joinByCommand, type LoopbackRoom, startLoopbackRoom } from '@kit/room/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoomCalls } from '../src/room-calls.js';

/**
 * `pnpm run doctor --room`, against a real room and its emulator on loopback:
 * a member as `pnpm room:join` leaves one (their .env and membership file).
 */
let scratch = '';
let loopback: LoopbackRoom;
let room: RunningRoom;
let phones: RoomEmulator;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-doctor-calls-'));
  loopback = await startLoopbackRoom(join(scratch, 'room'));
  ({ room, phones } = loopback);
});
afterAll(async () => {
  await loopback?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A member as `pnpm room:join` leaves one: what the doctor reads. */
async function member(name: string, target: Pick<RunningRoom, 'url' | 'code'> = room) {
  const joined = await joinByCommand(target, scratch, name);
  return { roomFile: joined.env.KIT_ROOM_FILE, env: joined.dotenv, memberId: joined.memberId };
}

const summary = (checks: Awaited<ReturnType<typeof checkRoomCalls>>) =>
  checks.map((check) => `${check.id}:${check.status}`);

describe('doctor --room', () => {
  it("passes when the room's phones port answers, this .env's key registers, and UDP echoes", async () => {
    const sakura = await member('sakura');
    const checks = await checkRoomCalls(sakura);
    expect(summary(checks)).toEqual([
      'room.calls.phones:ok',
      'room.calls.key:ok',
      'room.calls.media:ok',
    ]);
    expect(checks[1]?.message).toContain('sakura として');
    // A listen only: nothing is left registered.
    await expect.poll(() => phones.emulator.stats().registrations).toBe(0);
    expect(JSON.stringify(checks)).not.toContain(sakura.env.API_SECRET);
  });

  it('fails the key of a member the instructor removed, with the way back', async () => {
    const bob = await member('bob');
    const revoked = await fetch(`${room.url}/api/board/members/${bob.memberId}/revoke`, {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    const checks = await checkRoomCalls(bob);
    expect(summary(checks)).toContain('room.calls.key:fail');
    expect(checks.find((check) => check.id === 'room.calls.key')?.fix).toContain('pnpm room:join');
  });

  it('fails media when nothing echoes the probe on UDP, and says what blocks it', async () => {
    // A room whose phones port is an emulator without the probe: UDP goes unanswered.
    const quiet = await startRoomServer({
      dataDir: join(scratch, 'quiet'),
      host: '127.0.0.1',
      port: 0,
      stageTitles: {},
      log: () => undefined,
    });
    const bare = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      credentials: generateLocalCredentials(),
      voiceUrl: 'http://127.0.0.1:9/call',
      log: () => {},
    });
    try {
      const carol = await member('carol', quiet);
      quiet.memberLinks.setEmulatorPort(bare.port);
      const checks = await checkRoomCalls({ ...carol, timeoutMs: 1000 });
      const media = checks.find((check) => check.id === 'room.calls.media');
      expect(media?.status).toBe('fail');
      expect(media?.message).toContain('UDP');
      expect(media?.fix).toContain('VPN');
    } finally {
      await bare.close();
      await quiet.close();
    }
  });

  it('fails without a membership, and when the room does not answer', async () => {
    expect(
      summary(await checkRoomCalls({ roomFile: join(scratch, 'none.json'), env: {} })),
    ).toEqual(['room.calls.membership:fail']);
    const gone = await startRoomServer({
      dataDir: join(scratch, 'gone'),
      host: '127.0.0.1',
      port: 0,
      stageTitles: {},
      log: () => undefined,
    });
    const dave = await member('dave', gone);
    await gone.close();
    expect(summary(await checkRoomCalls({ ...dave, timeoutMs: 1000 }))).toEqual([
      'room.calls.reachable:fail',
    ]);
  });
});

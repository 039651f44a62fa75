import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PStreamClient } from '@kit/emulator/client';
import { type RoomEmulator, type RunningRoom, startRoomServer } from '@kit/room';
import { joinByCommand, type LoopbackRoom, startLoopbackRoom } from '@kit/room/testing';
import { freePort } from '@kit/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devInProcess, type InProcessDev } from './support/dev-in-process.js';

/**
 * `pnpm dev:step 4 --room`: the member's own Functions on their laptop, their
 * phone registered with the room's emulator, and their `/call` reached through
 * the member link, signed as Twilio signs, checked by the real runtime. The room
 * (server and emulator) runs in this process on loopback; the three-laptop run
 * across network namespaces is tests/e2e/room-calls.spec.ts.
 */

let scratch: string;
let loopback: LoopbackRoom;
let room: RunningRoom;
let phones: RoomEmulator;
const kits: InProcessDev[] = [];
const clients: PStreamClient[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-room-dev-'));
  loopback = await startLoopbackRoom(join(scratch, 'room'));
  ({ room, phones } = loopback);
});
afterAll(async () => {
  for (const kit of kits) await kit.stop();
  await Promise.all(clients.map((client) => client.close()));
  await loopback?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A member as `pnpm room:join` makes one: their own .env and .kit/room.json. */
const member = (name: string, target: Pick<RunningRoom, 'url' | 'code'> = room) =>
  joinByCommand(target, scratch, name);

async function phone(token: string): Promise<PStreamClient> {
  const client = await PStreamClient.connect(phones.url, { timeoutMs: 5000, userAgent: 'vitest' });
  clients.push(client);
  await client.register(token);
  return client;
}

describe('pnpm dev:step 4 --room', { timeout: 60_000 }, () => {
  it("registers the member's phone with the room, and the room reaches their own /call through the link", async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    const port = await freePort();
    const kit = devInProcess(['4', '--room'], { ...alice.env, PORT: String(port) });
    kits.push(kit);
    await kit.waitFor('Ctrl-C');
    expect(kit.output()).toContain(`教室: ${room.url}`);
    expect(kit.output()).not.toContain('エミュレーター:'); // no local emulator in room mode

    // The phone is told to register with the room's emulator.
    const info = await (await fetch(`http://localhost:${port}/kit/emulator.json`)).json();
    expect(info).toEqual({ signalingHost: `127.0.0.1:${phones.emulator.port}` });
    await expect.poll(() => room.memberLinks.status().some((link) => link.ready)).toBe(true);

    // Tokens from each member's own Functions, signed with the key the room gave them.
    const tokenOf = async (base: string, identity: string) =>
      (
        (await (await fetch(`${base}/voice-token?identity=${identity}`)).json()) as {
          token: string;
        }
      ).token;
    const alices = await phone(await tokenOf(`http://localhost:${port}`, 'alice'));
    const bobPort = await freePort();
    const bobKit = devInProcess(['4', '--room'], { ...bob.env, PORT: String(bobPort) });
    kits.push(bobKit);
    await bobKit.waitFor('Ctrl-C');
    const bobs = await phone(await tokenOf(`http://localhost:${bobPort}`, 'bob'));

    alices.invite('bob');
    const invite = await bobs.next('invite');
    expect(invite.payload.parameters).toMatchObject({ From: 'client:alice' });
    expect(bob.dotenv.AUTH_TOKEN).toBe(alice.dotenv.AUTH_TOKEN); // one room, one auth token
    bobs.send('reject', { callsid: invite.payload.callsid });
    await alices.next('hangup');

    // Alice stops her kit: her next call is 11200, and bob's phone hears nothing.
    await kit.stop();
    alices.invite('bob');
    const hangup = await alices.next('hangup');
    expect(hangup.payload.error).toMatchObject({ code: 11200 });
    expect(bobs.unread('invite')).toEqual([]);
  });

  it('says what to do without a membership, on a step without /call, and when the room cannot be reached', async () => {
    const nowhere = await mkdtemp(join(scratch, 'none-'));
    const notJoined = devInProcess(['4', '--room'], {
      KIT_ENV_FILE: join(nowhere, '.env'),
      KIT_ROOM_FILE: join(nowhere, 'room.json'),
      PORT: String(await freePort()),
    });
    expect(await notJoined.exit()).toBe(1);
    expect(notJoined.stderr()).toContain('pnpm room:join');

    const carol = await member('carol');
    const stepOne = devInProcess(['1', '--room'], { ...carol.env, PORT: String(await freePort()) });
    expect(await stepOne.exit()).toBe(1);
    expect(stepOne.stderr()).toContain('--room は /call のある手順で使います');

    // The room goes away: the kit says where it looked, and does not start.
    const closedRoom = await startRoomServer({
      dataDir: join(scratch, 'closed-room'),
      host: '127.0.0.1',
      port: 0,
      stageTitles: {},
      log: () => undefined,
    });
    const dave = (await member('dave', closedRoom)).env;
    await closedRoom.close();
    const unreachable = devInProcess(['4', '--room'], {
      ...dave,
      PORT: String(await freePort()),
    });
    expect(await unreachable.exit()).toBe(1);
    expect(unreachable.stderr()).toContain(`教室(${closedRoom.url})につながりません`);
  });
});

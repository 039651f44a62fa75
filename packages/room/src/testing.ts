import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from '@kit/functions/env-file';
import { joinMain } from './commands/index.js';
import { type RoomEmulator, startRoomEmulator } from './room-emulator.js';
import { type RunningRoom, startRoomServer } from './server.js';

/**
 * For other packages' tests of room calls (the launcher's --room, the doctor's
 * --room): a room and its emulator on loopback, and members made the way an
 * attendee makes one, with `pnpm room:join`'s own command.
 */

export interface LoopbackRoom {
  room: RunningRoom;
  phones: RoomEmulator;
  close(): Promise<void>;
}

export async function startLoopbackRoom(dataDir: string): Promise<LoopbackRoom> {
  const room = await startRoomServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    stageTitles: {},
    log: () => undefined,
  });
  const phones = await startRoomEmulator(room, { host: '127.0.0.1', port: 0 });
  return {
    room,
    phones,
    async close() {
      await phones.close();
      await room.close();
    },
  };
}

export interface JoinedMember {
  /** KIT_ENV_FILE and KIT_ROOM_FILE, as the member's kit commands read them. */
  env: { KIT_ENV_FILE: string; KIT_ROOM_FILE: string };
  /** The `.env` the join wrote (the room's credentials). */
  dotenv: Record<string, string>;
  memberId: string;
}

/** `pnpm room:join <room> --name <name> --code <code>` in-process, in a folder of its own under `dir`. */
export async function joinByCommand(
  room: Pick<RunningRoom, 'url' | 'code'>,
  dir: string,
  name: string,
): Promise<JoinedMember> {
  const home = await mkdtemp(join(dir, `${name}-`));
  const env = { KIT_ENV_FILE: join(home, '.env'), KIT_ROOM_FILE: join(home, 'room.json') };
  let said = '';
  const code = await joinMain([room.url, '--name', name, '--code', room.code], {
    stdout: (text) => {
      said += text;
    },
    stderr: (text) => {
      said += text;
    },
    env: { ...process.env, ...env },
  });
  if (code !== 0) throw new Error(`room:join ${name} ended with ${code}:\n${said}`);
  const membership = JSON.parse(await readFile(env.KIT_ROOM_FILE, 'utf8')) as { memberId: string };
  return {
    env,
    dotenv: parseEnv(await readFile(env.KIT_ENV_FILE, 'utf8')),
    memberId: membership.memberId,
  };
}

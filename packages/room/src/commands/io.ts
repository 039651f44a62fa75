import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandIo, fail } from '@kit/shared/cli';
import {
  type Membership,
  type RoomFailure,
  readMembership,
  roomFilePath,
} from '@kit/shared/room-client';

/**
 * What the attendee's room commands (room:join, room:help, room:leave) run
 * with: the kit's CommandIo, and a way to ask a question when there is a
 * terminal to ask in. Without `ask` (no TTY: a script, CI, a test), a command
 * never prompts: what it would ask for must be on the command line.
 */
export interface RoomCommandIo extends CommandIo {
  /** Asks one question on the terminal and returns the answer (undefined: no terminal). */
  ask?: ((question: string) => Promise<string>) | undefined;
}

/** `.kit/room.json` (or KIT_ROOM_FILE) as the attendee's commands see it. */
export function roomFile(io: CommandIo): string {
  return roomFilePath(io.env);
}

/** The repository root, where the attendee types pnpm commands: this file is packages/room/src/commands/io.ts. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The kit's `.env`: KIT_ENV_FILE (tests, a rehearsal), else `.env` at the repository root. */
export function envFile(io: CommandIo): string {
  const override = io.env.KIT_ENV_FILE;
  return override !== undefined && override !== '' ? override : join(REPO_ROOT, '.env');
}

/** The membership file's path as shown: from the repository root (`.kit/room.json`) when it is below it. */
export function shownPath(file: string): string {
  const fromRoot = relative(REPO_ROOT, file);
  return fromRoot.startsWith('..') || fromRoot === '' ? file : fromRoot;
}

export const NOT_JOINED = {
  japanese:
    '教室に参加していません。先に pnpm room:join URL で参加してください(URL は講師が示します)。',
  english: 'you have not joined a room: run pnpm room:join URL first',
};

/** The stored membership, or the command stops (exit 1) saying there is none. */
export async function requireMembership(io: CommandIo): Promise<Membership> {
  const read = await readMembership(roomFile(io));
  if (read.kind === 'member') return read.membership;
  if (read.kind === 'invalid') {
    fail(
      `${read.message} pnpm room:leave で消してから、pnpm room:join URL でもう一度参加してください。`,
      'the membership file is unreadable: run pnpm room:leave, then pnpm room:join URL',
    );
  }
  fail(NOT_JOINED.japanese, NOT_JOINED.english);
}

/** A request that failed, said as the kit says problems (exit 1); a forgotten member is told to join again. */
export function failWith(failure: RoomFailure): never {
  if (failure.code === 'member_unknown') {
    fail(
      `${failure.message} pnpm room:leave のあと、pnpm room:join URL でもう一度参加してください。`,
      'the room does not know this member any more: pnpm room:leave, then pnpm room:join URL',
    );
  }
  if (failure.code === 'member_revoked') {
    fail(
      `${failure.message} pnpm room:leave で .env の値も参加前に戻せます。`,
      'the instructor removed you from the room: pnpm room:leave restores your .env',
    );
  }
  fail(failure.message, failure.english);
}

import { type MemberFrame, parseRoomFrame, type RoomFrame } from '@kit/shared/member-link';
import type { JoinResponse } from '@kit/shared/room';
import { signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
import WebSocket from 'ws';

/**
 * A member's kit played by hand (its own end is tested in @kit/launcher): the
 * link it opens to the room, so every frame the room sends and every answer is
 * in the test's control.
 */

export const dial = (to: string) =>
  `<?xml version="1.0"?><Response><Dial><Client>${to}</Client></Dial></Response>`;

/** A Voice Access Token as the member's Functions mint it with their room credentials. */
export function voiceToken(member: JoinResponse, identity: string): string {
  return signAccessToken(
    voiceTokenClaims(member.credentials, identity, {
      jti: `${member.credentials.API_KEY}-${identity}-${Math.random()}`,
    }),
    member.credentials.API_SECRET,
  );
}

/** A member's kit, by hand: its link, every frame the room sent, and a way to answer. */
export interface HandKit {
  socket: WebSocket;
  frames: RoomFrame[];
  next<T extends RoomFrame['type']>(type: T): Promise<Extract<RoomFrame, { type: T }>>;
  send(frame: MemberFrame | Record<string, unknown>): void;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens the link at `url` (`ws://…/api/member-link`) with a member's token; the socket goes into `opened`. */
export async function openHandKit(
  url: string,
  token: string,
  opened: { close(): unknown }[],
  headers: Record<string, string> = {},
): Promise<HandKit> {
  const socket = new WebSocket(url, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  opened.push(socket);
  const frames: RoomFrame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    const frame = parseRoomFrame(String(data));
    if (frame) frames.push(frame);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(JSON.stringify(frame)),
    async next(type) {
      for (;;) {
        const index = frames.findIndex((frame) => frame.type === type);
        if (index >= 0) return frames.splice(index, 1)[0] as never;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${type} frame`)), 5000);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

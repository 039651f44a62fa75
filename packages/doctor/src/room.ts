import { checkMembership, readMembership, roomHello } from '@kit/shared/room-client';
import { type Check, Checklist } from './check.js';

/**
 * The 「教室」 section, when this machine joined the instructor's room
 * (`pnpm room:join`): does the room answer, and does it still know this
 * member? A problem here is a ⚠, not a ✗: the kit works the same without the
 * room (step:check only stops reporting to it). The token is never shown.
 */

const JOIN_AGAIN = 'pnpm room:leave のあと、pnpm room:join URL でもう一度参加してください';

export async function checkRoom(roomFile: string, timeoutMs = 3_000): Promise<Check[]> {
  const read = await readMembership(roomFile);
  if (read.kind === 'none') return [];
  const list = new Checklist('room');
  if (read.kind === 'invalid') {
    list.warn('room.membership', `${read.message}(教室に報告できません)`, JOIN_AGAIN);
    return list.checks;
  }
  const { membership } = read;
  const hello = await roomHello(membership.roomUrl, timeoutMs);
  if (!hello.ok) {
    list.warn(
      'room.reachable',
      `教室(${membership.roomUrl})が応答しません: ${hello.message}`,
      '講師の PC で教室が動いているか、同じネットワーク(Wi-Fi)にいるかを確認してください。教室の URL が変わったときは、' +
        JOIN_AGAIN,
    );
    list.skip('room.membership', '教室が応答するまで、参加の確認はしません');
    return list.checks;
  }
  list.ok('room.reachable', `教室(${membership.roomUrl})が応答しています`);
  const member = await checkMembership(membership, { timeoutMs });
  if (member.ok) {
    list.ok(
      'room.membership',
      `「${member.name}」として参加しています(pnpm step:check の結果が講師に届きます)`,
    );
  } else if (member.code === 'member_unknown') {
    list.warn(
      'room.membership',
      `教室はこの参加者を知りません(教室が作り直されたかもしれません)。`,
      JOIN_AGAIN,
    );
  } else {
    list.warn('room.membership', `参加を確認できません: ${member.message}`, JOIN_AGAIN);
  }
  return list.checks;
}

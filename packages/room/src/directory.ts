import type { RegistrationView } from '@kit/emulator';
import { ownsIdentity } from '@kit/shared';
import { DIRECTORY_MAX_PHONES, type DirectoryPhone, type RoomDirectory } from '@kit/shared/room';
import type { MemberState } from './state.js';

const byName = new Intl.Collator('ja');

/**
 * The members' directory (「教室の電話」): each identity registered now, with the
 * display name of the member whose key signed its token. A registration whose key
 * no current member holds (revoked, or not the room's), or whose name the member
 * does not own, is left out: the directory names only phones a call can reach
 * and that their owner put there. One entry per identity (second devices of the
 * same name are one phone to call), sorted by name then identity, capped.
 */
export function buildDirectory(
  registrations: readonly RegistrationView[],
  members: Iterable<MemberState>,
): RoomDirectory {
  const byKey = new Map<string, MemberState>();
  for (const member of members) {
    if (!member.revoked && member.apiKeySid !== null) byKey.set(member.apiKeySid, member);
  }
  const phones = new Map<string, DirectoryPhone>();
  for (const { identity, keySid } of registrations) {
    const owner = byKey.get(keySid);
    if (!owner || phones.has(identity)) continue;
    if (owner.identity !== null && !ownsIdentity(owner.identity, identity)) continue;
    phones.set(identity, { identity, name: owner.name });
  }
  const sorted = [...phones.values()].sort(
    (a, b) => byName.compare(a.name, b.name) || compareCodeUnits(a.identity, b.identity),
  );
  return { phones: sorted.slice(0, DIRECTORY_MAX_PHONES) };
}

/** Identities are ASCII: code-unit order, the same on every machine. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

import { ROOM_PATHS } from '@kit/shared/room';

/**
 * The board's two buttons as requests: 「下ろす」 lowers a member's hand,
 * 「退室させる」 removes the member (their key is revoked, their token refused),
 * after the instructor confirms. What the browser provides comes in as
 * `BoardRequests`, so a test can see what would be sent.
 */
export interface BoardRequests {
  /** The instructor key of the page's URL, or null (on the instructor's own machine). */
  key: string | null;
  fetch: (url: string, init: RequestInit) => Promise<{ ok: boolean; status: number }>;
  confirm: (question: string) => boolean;
}

/** `path` with the instructor's key, when the page has one. */
export function withKey(path: string, key: string | null): string {
  return key ? `${path}?key=${encodeURIComponent(key)}` : path;
}

async function post(path: string, requests: BoardRequests): Promise<void> {
  const response = await requests.fetch(withKey(path, requests.key), {
    method: 'POST',
    headers: requests.key ? { Authorization: `Bearer ${requests.key}` } : {},
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}

export function lowerHandRequest(memberId: string, requests: BoardRequests): Promise<void> {
  return post(`${ROOM_PATHS.lowerHand}${encodeURIComponent(memberId)}/lower`, requests);
}

export function revokeQuestion(name: string): string {
  return `${name} さんを退室させますか?\nこの参加者の API キーは削除され、教室への報告と挙手もできなくなります。元には戻せません。`;
}

/** Asks first; false when the instructor said no (nothing is sent). */
export async function revokeMemberRequest(
  memberId: string,
  name: string,
  requests: BoardRequests,
): Promise<boolean> {
  if (!requests.confirm(revokeQuestion(name))) return false;
  await post(`${ROOM_PATHS.boardMembers}${encodeURIComponent(memberId)}/revoke`, requests);
  return true;
}

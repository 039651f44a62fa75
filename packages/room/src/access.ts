import { createHash, timingSafeEqual } from 'node:crypto';

/** 127.0.0.0/8, ::1, and IPv4 loopback as an IPv6-mapped address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

/**
 * Compares two secrets in constant time: both are hashed first, so the
 * buffers are the same length whatever the caller sent.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** `Bearer <token>` → the token, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

export interface InstructorRequest {
  remoteAddress: string | undefined;
  authorization: string | undefined;
  /** The `key` query parameter (the board page's URL carries it; EventSource cannot set headers). */
  queryKey: string | null;
}

export type InstructorAccess = 'granted' | 'missing' | 'wrong';

/**
 * The board is the instructor's: from the instructor's own machine (loopback),
 * or with the instructor key, as a Bearer token or `?key=`.
 */
export function instructorAccess(
  request: InstructorRequest,
  instructorKey: string,
): InstructorAccess {
  if (isLoopbackAddress(request.remoteAddress)) return 'granted';
  const given = bearerToken(request.authorization) ?? request.queryKey;
  if (given === null || given === '') return 'missing';
  return secretsEqual(given, instructorKey) ? 'granted' : 'wrong';
}

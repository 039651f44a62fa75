import { isValidIdentity } from '@kit/shared';
import { checkStepReport, MEMBER_ID_PATTERN, type StepReport } from '@kit/shared/room';

/**
 * The room's event log, one JSON object a line. Everything the board shows is
 * replayed from these, so a restarted room is the same room. Secrets never go
 * in: a member's token and the instructor's key appear only as sha256 hashes,
 * and a member's API key appears by its SID (its secret is derived from the
 * room secret in `current.key`, see credentials.ts).
 */
export type RoomEventBody =
  | {
      type: 'room-created';
      code: string;
      /** sha256 (hex) of the instructor key; the key itself is in `current.key` beside the log. */
      instructorKeyHash: string;
    }
  | {
      type: 'member-joined';
      memberId: string;
      name: string;
      tokenHash: string;
      /** The member's API key (`SK…`) and TwiML App (`AP…`); absent in a log from before keys. */
      apiKeySid?: string;
      twimlAppSid?: string;
      /** The Client identity the member owns (and its second tabs); absent in a log from before identities. */
      identity?: string;
    }
  /** 退室させる: the member's token and API key stop working; the board no longer lists them. */
  | { type: 'member-revoked'; memberId: string; by: 'instructor' }
  | { type: 'report'; memberId: string; report: StepReport }
  | { type: 'hand-raised'; memberId: string; message: string }
  | { type: 'hand-lowered'; memberId: string; by: 'member' | 'instructor' }
  /**
   * The member's key signed a token for a name they do not own (another member's):
   * the room's emulator refused it, and the board shows who tried. The name is the
   * token's, cut to 64 characters, shown as text only.
   */
  | { type: 'identity-refused'; memberId: string; identity: string }
  /**
   * A call the member placed was answered, routed by their own TwiML App (their
   * own /call): the workshop's finish line. Only a member's first is logged (see
   * `callConnected` in server.ts). `to` is the identity that answered, cut to 64
   * characters, shown as text only.
   */
  | { type: 'call-connected'; memberId: string; to: string }
  /**
   * The member's phone answered or placed a call whose media never connected (its
   * report, through the member's kit): shown on the board so the instructor sees
   * a venue problem (client isolation). `peer` is the other side's identity.
   */
  | { type: 'media-failed'; memberId: string; peer: string };

/** `seq` counts from 1 in each log; `at` is an ISO time. */
export type RoomEvent = RoomEventBody & { seq: number; at: string };

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_SID = /^SK[0-9a-f]{32}$/;
const APP_SID = /^AP[0-9a-f]{32}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A line of the log as an event, or null. The log is the room's own file, but a
 * hand-edited or torn line must not put a wrong-typed value into the state.
 */
export function parseEvent(value: unknown): RoomEvent | null {
  if (!isObject(value)) return null;
  const { seq, at, type, memberId } = value;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
  if (type === 'room-created') {
    const { code, instructorKeyHash } = value;
    if (typeof code !== 'string' || typeof instructorKeyHash !== 'string') return null;
    if (!HEX64.test(instructorKeyHash)) return null;
    return { seq, at, type, code, instructorKeyHash };
  }
  if (typeof memberId !== 'string' || !MEMBER_ID_PATTERN.test(memberId)) return null;
  switch (type) {
    case 'member-joined': {
      const { name, tokenHash, apiKeySid, twimlAppSid, identity } = value;
      if (typeof name !== 'string' || typeof tokenHash !== 'string' || !HEX64.test(tokenHash))
        return null;
      if (apiKeySid === undefined && twimlAppSid === undefined)
        return { seq, at, type, memberId, name, tokenHash };
      if (typeof apiKeySid !== 'string' || !KEY_SID.test(apiKeySid)) return null;
      if (typeof twimlAppSid !== 'string' || !APP_SID.test(twimlAppSid)) return null;
      if (identity === undefined)
        return { seq, at, type, memberId, name, tokenHash, apiKeySid, twimlAppSid };
      if (!isValidIdentity(identity)) return null;
      return { seq, at, type, memberId, name, tokenHash, apiKeySid, twimlAppSid, identity };
    }
    case 'member-revoked': {
      if (value.by !== 'instructor') return null;
      return { seq, at, type, memberId, by: 'instructor' };
    }
    case 'report': {
      // Checked again on the way in: the catalog may have grown since, so any step up to 99.
      const checked = checkStepReport(value.report, 99);
      if (!checked.ok) return null;
      return { seq, at, type, memberId, report: checked.value };
    }
    case 'hand-raised': {
      const { message } = value;
      if (typeof message !== 'string') return null;
      return { seq, at, type, memberId, message };
    }
    case 'hand-lowered': {
      const { by } = value;
      if (by !== 'member' && by !== 'instructor') return null;
      return { seq, at, type, memberId, by };
    }
    case 'identity-refused': {
      const { identity } = value;
      if (typeof identity !== 'string' || identity.length === 0 || identity.length > 64)
        return null;
      return { seq, at, type, memberId, identity };
    }
    case 'call-connected': {
      const { to } = value;
      if (typeof to !== 'string' || to.length === 0 || to.length > 64) return null;
      return { seq, at, type, memberId, to };
    }
    case 'media-failed': {
      const { peer } = value;
      if (typeof peer !== 'string' || peer.length === 0 || peer.length > 64) return null;
      return { seq, at, type, memberId, peer };
    }
    default:
      return null;
  }
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findStep } from '@kit/shared';
import { type Membership, writeMembership } from '@kit/shared/room-client';
import { closedRoomUrl, type FakeRoom, startFakeRoom } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, formatText } from '../src/report.js';
import { checkRoom } from '../src/room.js';

/** The doctor's 「教室」 section, against a fake room. */
let room: FakeRoom;
let scratch = '';
beforeAll(async () => {
  room = await startFakeRoom();
  scratch = await mkdtemp(join(tmpdir(), 'kit-doctor-room-'));
});
afterAll(async () => {
  await room.close();
  await rm(scratch, { recursive: true, force: true });
});

async function membershipFile(
  roomUrl: string,
  name: string,
  known = true,
): Promise<{ file: string; membership: Membership }> {
  const file = join(scratch, `${name}.json`);
  const added = room.addMember(name);
  if (!known) room.members.delete(added.token);
  const membership = { ...added, roomUrl, joinedAt: new Date().toISOString() };
  await writeMembership(file, membership);
  return { file, membership };
}

const summary = (checks: Awaited<ReturnType<typeof checkRoom>>) =>
  checks.map((check) => `${check.id}:${check.status}`);

describe('the doctor’s room section', () => {
  it('is not there without a membership', async () => {
    expect(await checkRoom(join(scratch, 'none.json'))).toEqual([]);
  });

  it('says the room answers and knows the member, without showing the token', async () => {
    const { file, membership } = await membershipFile(room.url, '花子');
    const checks = await checkRoom(file);
    expect(summary(checks)).toEqual(['room.reachable:ok', 'room.membership:ok']);
    expect(checks[1]?.message).toContain('「花子」として参加しています');
    const step = findStep(3);
    if (!step) throw new Error('no step 3');
    const text = formatText(buildReport(step, null, '.env', { node: 'v20', pnpm: null }, checks));
    expect(text).toContain('\n教室\n  ✓ 教室(');
    expect(text).not.toContain(membership.token);
    expect(room.requests.at(-1)).toMatchObject({
      path: '/api/membership',
      authorization: `Bearer ${membership.token}`,
    });
  });

  it('tells a forgotten member to join again', async () => {
    const { file } = await membershipFile(room.url, 'forgotten', false);
    const checks = await checkRoom(file);
    expect(summary(checks)).toEqual(['room.reachable:ok', 'room.membership:warn']);
    expect(checks[1]?.fix).toContain('pnpm room:join URL でもう一度参加してください');
  });

  it('says when the room does not answer, and skips the membership', async () => {
    const { file } = await membershipFile(await closedRoomUrl(), 'gone');
    const checks = await checkRoom(file);
    expect(summary(checks)).toEqual(['room.reachable:warn', 'room.membership:skip']);
    expect(checks[0]?.message).toContain('応答しません');
    expect(checks[0]?.fix).toContain('同じネットワーク');
  });

  it('says an unreadable membership file is one', async () => {
    const file = join(scratch, 'broken.json');
    await writeFile(file, '{');
    expect(summary(await checkRoom(file))).toEqual(['room.membership:warn']);
  });
});

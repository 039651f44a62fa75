import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallView, RegistrationView } from '@kit/emulator';
import { describe, expect, it } from 'vitest';
import { LOG_FILE, type RoomPhones } from '../src/index.js';
import { joinAs, openBoard, startTestRoom, tempDir } from './helpers.js';

/**
 * The room watching its emulator, played here by a fake whose lists the test
 * sets: the board follows registrations and calls within a poll, sends nothing
 * when nothing changed, and logs each member's first call their own App routed.
 */

const POLL_MS = 30;

class FakePhones implements RoomPhones {
  registered: RegistrationView[] = [];
  inProgress: CallView[] = [];
  reads = 0;
  readonly listeners = new Set<(call: CallView) => void>();
  registrations(): RegistrationView[] {
    this.reads += 1;
    return [...this.registered];
  }
  calls(): CallView[] {
    return [...this.inProgress];
  }
  onCallConnected(listener: (call: CallView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  connect(call: CallView): void {
    for (const listener of this.listeners) listener(call);
  }
}

function connectedCall(appSid: string, from: string, overrides: Partial<CallView> = {}): CallView {
  return {
    callSid: `CA${Math.random().toString(16).slice(2)}`,
    applicationSid: appSid,
    from,
    to: 'bob',
    answeredBy: 'bob',
    phase: 'bridged',
    placedAt: Date.now() - 3000,
    connectedAt: Date.now(),
    ...overrides,
  };
}

describe('the room watching its phones', () => {
  it('sends the board a new snapshot when a phone registers or a call changes, and none otherwise', async () => {
    const temp = await tempDir();
    const room = await startTestRoom(temp.dir, { phonesPollMs: POLL_MS });
    const phones = new FakePhones();
    const detach = room.watchPhones(phones);
    try {
      const alice = await joinAs(room, 'alice');
      await joinAs(room, 'bob');
      const board = await openBoard(room);
      await expect.poll(() => board.latest()?.members.length).toBe(2);

      phones.registered.push({ identity: 'alice', keySid: alice.credentials.API_KEY });
      await expect
        .poll(() => board.latest()?.members.find((m) => m.name === 'alice')?.phones)
        .toEqual(['alice']);
      const call = connectedCall(alice.credentials.TWIML_APP_SID, 'alice', {
        phase: 'ringing',
        answeredBy: null,
        connectedAt: null,
      });
      phones.inProgress.push(call);
      await expect
        .poll(() => board.latest()?.members.find((m) => m.name === 'alice')?.calls[0]?.state)
        .toBe('ringing');

      // Nothing changes: no event, however many polls go by.
      const count = board.seen.length;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 6));
      expect(board.seen.length).toBe(count);

      phones.inProgress = [];
      await expect
        .poll(() => board.latest()?.members.find((m) => m.name === 'alice')?.calls)
        .toEqual([]);
      await board.close();
    } finally {
      detach();
      await room.close();
      await temp.remove();
    }
  });

  it("logs a member's first call their own App routed, once, and keeps the count across a restart", async () => {
    const temp = await tempDir();
    let room = await startTestRoom(temp.dir, { phonesPollMs: POLL_MS });
    const phones = new FakePhones();
    room.watchPhones(phones);
    try {
      const alice = await joinAs(room, 'alice');
      const bob = await joinAs(room, 'bob');
      const carol = await joinAs(room, 'carol');
      const app = alice.credentials.TWIML_APP_SID;

      // Not alice's own: bob's phone naming alice's App, and a call nobody answered.
      phones.connect(connectedCall(app, 'bob'));
      phones.connect(connectedCall(carol.credentials.TWIML_APP_SID, 'carol', { answeredBy: '' }));
      // Alice's, from her second tab, twice: one event.
      phones.connect(connectedCall(app, 'alice-2', { answeredBy: `<b>${'y'.repeat(80)}` }));
      phones.connect(connectedCall(app, 'alice'));
      await expect.poll(() => room.snapshot().calledCount).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));

      const lines = (await readFile(join(temp.dir, LOG_FILE), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((event) => event.type === 'call-connected');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ memberId: alice.memberId, to: `<b>${'y'.repeat(61)}` });
      expect(Object.keys(lines[0] ?? {}).sort()).toEqual(['at', 'memberId', 'seq', 'to', 'type']);
      expect(room.snapshot().members.find((m) => m.name === 'bob')?.firstCallAt).toBeNull();

      phones.connect(connectedCall(bob.credentials.TWIML_APP_SID, 'bob'));
      await expect.poll(() => room.snapshot().calledCount).toBe(2);

      await room.close();
      const reads = phones.reads;
      room = await startTestRoom(temp.dir, { phonesPollMs: POLL_MS });
      expect(room.resumed).toBe(true);
      expect(room.snapshot().calledCount).toBe(2);
      expect(room.snapshot().members.find((m) => m.name === 'alice')?.firstCallAt).toBeTruthy();
      // The closed room stopped reading its phones.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
      expect(phones.reads).toBe(reads);
      expect(phones.listeners.size).toBe(0);
    } finally {
      await room.close();
      await temp.remove();
    }
  });
});

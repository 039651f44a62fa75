import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog, readLog, startRoomServer } from '../src/index.js';
import { call, joinAs, report, startTestRoom, tempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function dir(): Promise<string> {
  const temp = await tempDir();
  cleanups.push(temp.remove);
  return temp.dir;
}

describe('event log', () => {
  it('serialises concurrent appends: one line each, seq in order', async () => {
    const path = join(await dir(), 'log.jsonl');
    const log = await EventLog.open(path, { lastSeq: 0, endsClean: true, now: () => 0 });
    const memberId = 'm-0123456789abcdef';
    const events = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        log.append({ type: 'hand-raised', memberId, message: `${i}`.repeat(500) }),
      ),
    );
    await log.close();
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `${i}`.repeat(500)),
    );
  });

  it('skips a torn last line with a warning', async () => {
    const path = join(await dir(), 'log.jsonl');
    const good = JSON.stringify({
      seq: 1,
      at: new Date(0).toISOString(),
      type: 'hand-lowered',
      memberId: 'm-0123456789abcdef',
      by: 'member',
    });
    await writeFile(path, `${good}\n{"seq":2,"at":"2025-`);
    const read = await readLog(path);
    expect(read.events.map((event) => event.seq)).toEqual([1]);
    expect(read.endsClean).toBe(false);
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toContain('途中で切れて');
  });
});

describe('a restarted room', () => {
  it('keeps its code, key, members and board; acknowledged events are on disk', async () => {
    const dataDir = await dir();
    let clock = Date.UTC(2025, 5, 1, 10, 0);
    const now = () => clock;
    const first = await startTestRoom(dataDir, { now });
    expect(first.resumed).toBe(false);
    const alice = await joinAs(first, 'アリス');
    clock += 60_000;
    expect((await call(first, '/api/report', { token: alice.token, body: report(1) })).status).toBe(
      202,
    );
    await call(first, '/api/hand', { token: alice.token, body: { message: '質問' } });
    // Acknowledged means written: the file has the events before the room closes.
    const onDisk = await readLog(join(dataDir, 'current.jsonl'));
    expect(onDisk.events.map((event) => event.type)).toEqual([
      'room-created',
      'member-joined',
      'report',
      'hand-raised',
    ]);
    const text = await readFile(join(dataDir, 'current.jsonl'), 'utf8');
    expect(text).not.toContain(alice.token);
    const board = first.snapshot();
    await first.close();

    const second = await startTestRoom(dataDir, { now });
    cleanups.push(() => second.close());
    expect(second.resumed).toBe(true);
    expect(second.code).toBe(first.code);
    expect(second.instructorKey).toBe(first.instructorKey);
    expect(second.snapshot()).toEqual(board);
    const membership = await call(second, '/api/membership', { token: alice.token });
    expect(membership.json).toEqual({ memberId: alice.memberId, name: 'アリス' });
    expect((await stat(join(dataDir, 'current.key'))).mode & 0o077).toBe(0);
  });

  it('resumes past a torn last line and keeps appending on a line of its own', async () => {
    const dataDir = await dir();
    const first = await startTestRoom(dataDir);
    const alice = await joinAs(first, 'alice');
    await first.close();
    await appendFile(join(dataDir, 'current.jsonl'), '{"seq":3,"at":"20');
    const warnings: string[] = [];
    const second = await startTestRoom(dataDir, { log: (line) => warnings.push(line) });
    expect(warnings.join('\n')).toContain('途中で切れて');
    expect(
      (await call(second, '/api/report', { token: alice.token, body: report(1) })).json,
    ).toEqual({ ok: true, seq: 3 });
    await second.close();
    const read = await readLog(join(dataDir, 'current.jsonl'));
    expect(read.events.map((event) => event.seq)).toEqual([1, 2, 3]);
  });

  it('--new archives the old room (log and key) and starts another', async () => {
    const dataDir = await dir();
    const first = await startTestRoom(dataDir, { code: 'kx3-4mp' });
    expect(first.code).toBe('KX34MP');
    await joinAs(first, 'alice');
    await first.close();
    const second = await startTestRoom(dataDir, { fresh: true });
    cleanups.push(() => second.close());
    expect(second.resumed).toBe(false);
    expect(second.instructorKey).not.toBe(first.instructorKey);
    expect(second.snapshot().members).toEqual([]);
    const files = (await readdir(dataDir)).sort();
    expect(files).toHaveLength(4);
    const archivedLog = files.find((file) => /^room-\d{8}T\d{6}Z-KX34MP\.jsonl$/.test(file));
    expect(archivedLog).toBeDefined();
    const old = await readLog(join(dataDir, archivedLog ?? ''));
    expect(old.events.map((event) => event.type)).toEqual(['room-created', 'member-joined']);
  });

  it('refuses a different fixed code for an existing room, and a bad code', async () => {
    const dataDir = await dir();
    const first = await startTestRoom(dataDir, { code: 'KX34MP' });
    await first.close();
    await expect(startTestRoom(dataDir, { code: 'ACDEFH' })).rejects.toThrow(/--new/);
    await expect(
      startRoomServer({ dataDir, host: '127.0.0.1', port: 0, stageTitles: {}, code: 'O0O0O0' }),
    ).rejects.toThrow(/教室コード/);
  });
});

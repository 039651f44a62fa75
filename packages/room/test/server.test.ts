import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BoardSnapshot, ROOM_BODY_MAX_BYTES } from '@kit/shared/room';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instructorAccess, isLoopbackAddress, type RunningRoom } from '../src/index.js';
import { call, errorCode, joinAs, report, startTestRoom, tempDir } from './helpers.js';

let room: RunningRoom;
let remove: () => Promise<void>;
beforeAll(async () => {
  const temp = await tempDir();
  remove = temp.remove;
  const boardDir = join(temp.dir, 'board');
  await mkdir(join(boardDir, 'assets'), { recursive: true });
  await writeFile(join(boardDir, 'index.html'), '<!doctype html><title>board</title>');
  await writeFile(join(boardDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(temp.dir, 'secret.txt'), 'secret');
  room = await startTestRoom(join(temp.dir, 'data'), {
    boardDir,
    maxMembers: 4,
    stepStages: { 1: ['1-1', '1-2'], 2: ['2-1', '2-2'] },
  });
});
afterAll(async () => {
  await room.close();
  await remove();
});

describe('join', () => {
  it('answers the hello publicly', async () => {
    expect((await call(room, '/api/room')).json).toEqual({ kind: 'kit-room', version: 1 });
  });

  it('joins with the code as typed and answers a token of the contract', async () => {
    const typed = `${room.code.slice(0, 3).toLowerCase()}-${room.code.slice(3)}`;
    const answer = await call(room, '/api/join', {
      body: { code: typed, name: ' 山田 ', identity: 'yamada' },
    });
    expect(answer.status).toBe(201);
    const joined = answer.json as { memberId: string; token: string; name: string };
    expect(joined.memberId).toMatch(/^m-[0-9a-f]{16}$/);
    expect(joined.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(joined.name).toBe('山田');
    expect((await call(room, '/api/membership', { token: joined.token })).json).toEqual({
      memberId: joined.memberId,
      name: '山田',
    });
  });

  it('refuses a bad name, a malformed code, a wrong code', async () => {
    const name = await call(room, '/api/join', { body: { code: room.code, name: 'a\u202eb' } });
    expect([name.status, errorCode(name)]).toEqual([400, 'name_invalid']);
    const malformed = await call(room, '/api/join', { body: { code: 'O0', name: 'a' } });
    expect([malformed.status, errorCode(malformed)]).toEqual([400, 'code_invalid']);
    const extra = await call(room, '/api/join', {
      body: { code: room.code, name: 'a', admin: true },
    });
    expect([extra.status, errorCode(extra)]).toEqual([400, 'body_invalid']);
  });

  it('refuses unknown tokens', async () => {
    const unknown = await call(room, '/api/membership', { token: 'A'.repeat(43) });
    expect([unknown.status, errorCode(unknown)]).toEqual([401, 'member_unknown']);
    const none = await call(room, '/api/report', { body: report(1) });
    expect(none.status).toBe(401);
  });
});

describe('a member', () => {
  it('reports; a report with an extra field or a stage of another step is refused', async () => {
    const alice = await joinAs(room, 'alice');
    const ok = await call(room, '/api/report', { token: alice.token, body: report(1, '1-2') });
    expect(ok.status).toBe(202);
    expect((ok.json as { seq: number }).seq).toBeGreaterThan(1);
    const refused = [
      { ...report(1), path: join(tmpdir(), 'alice') },
      { ...report(1), stages: [{ id: '2-1', passed: true }] },
      { ...report(1, '1-2'), failingStage: '2-2' },
      { ...report(2), stages: [{ id: '2-9', passed: true }] },
      { ...report(1), stages: [{ id: '1-2', passed: false }] },
      { ...report(1), step: 99, stages: [] },
    ];
    for (const body of refused) {
      const answer = await call(room, '/api/report', { token: alice.token, body });
      expect([answer.status, errorCode(answer)]).toEqual([400, 'report_invalid']);
    }
    const board = room.snapshot().members.find((m) => m.memberId === alice.memberId);
    expect(board?.latest?.failingStage).toBe('1-2');
  });

  it('cannot lower another member hand; the instructor can', async () => {
    const bob = await joinAs(room, 'bob');
    const carol = await joinAs(room, 'carol');
    expect(
      (
        await call(room, '/api/hand', {
          token: bob.token,
          body: { message: '<img src=x onerror=alert(1)>' },
        })
      ).status,
    ).toBe(200);
    // Carol's DELETE lowers only Carol's (not raised) hand.
    expect((await call(room, '/api/hand', { method: 'DELETE', token: carol.token })).json).toEqual({
      ok: true,
      lowered: false,
    });
    const hands = () =>
      room
        .snapshot()
        .members.filter((m) => m.hand)
        .map((m) => m.name);
    expect(hands()).toEqual(['bob']);
    expect(room.snapshot().members[0]?.hand?.message).toBe('<img src=x onerror=alert(1)>');
    const lowered = await call(room, `/api/board/hands/${bob.memberId}/lower`, { method: 'POST' });
    expect(lowered.json).toEqual({ ok: true, lowered: true });
    expect(hands()).toEqual([]);
    const ghost = await call(room, '/api/board/hands/m-00000000000000ff/lower', { method: 'POST' });
    expect(ghost.status).toBe(404);
  });

  it('the room is full at maxMembers', async () => {
    while (room.snapshot().members.length < 4) await joinAs(room, 'filler');
    const full = await call(room, '/api/join', { body: { code: room.code, name: 'late' } });
    expect([full.status, errorCode(full)]).toEqual([409, 'room_full']);
  });
});

describe('the instructor', () => {
  it('needs the key from anywhere but the machine itself', () => {
    const key = room.instructorKey;
    const lan = { remoteAddress: '192.168.1.20', authorization: undefined, queryKey: null };
    expect(instructorAccess(lan, key)).toBe('missing');
    expect(instructorAccess({ ...lan, queryKey: 'nope' }, key)).toBe('wrong');
    expect(instructorAccess({ ...lan, queryKey: key }, key)).toBe('granted');
    expect(instructorAccess({ ...lan, authorization: `Bearer ${key}` }, key)).toBe('granted');
    expect(instructorAccess({ ...lan, authorization: `Bearer ${key}x` }, key)).toBe('wrong');
    expect(instructorAccess({ ...lan, remoteAddress: '::ffff:127.0.0.1' }, key)).toBe('granted');
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
  });

  it('gets a board event on connect, then within a second of a report', async () => {
    const temp = await tempDir();
    const own = await startTestRoom(temp.dir);
    try {
      const alice = await joinAs(own, 'alice');
      const controller = new AbortController();
      const response = await fetch(`${own.url}/api/board/events`, { signal: controller.signal });
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const next = boardEvents(response);
      const first = await next();
      expect(first.members.map((m) => m.latest)).toEqual([null]);
      const started = Date.now();
      // A burst of reports becomes one event (or a few), the last state included.
      await Promise.all([
        call(own, '/api/report', { token: alice.token, body: report(1, '1-2') }),
        call(own, '/api/report', { token: alice.token, body: report(1, '1-2') }),
      ]);
      await call(own, '/api/report', { token: alice.token, body: report(1) });
      let board = await next();
      while (board.members[0]?.latest?.passed !== true) board = await next();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(board.passedByStep['1']).toBe(1);
      controller.abort();
    } finally {
      await own.close();
      await temp.remove();
    }
  });

  it('exports CSV with a BOM, quoted cells and neutralised formulas', async () => {
    const answer = await call(room, '/api/export.csv');
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await (await fetch(`${room.url}/api/export.csv`)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(answer.text.split('\r\n')[0]).toContain('"名前"');
    expect(answer.text).toContain('"alice"');
  });
});

/** The `board` events of an SSE response, one per call (each read gives up after 2 s). */
function boardEvents(response: Response): () => Promise<BoardSnapshot> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let buffer = '';
  return async () => {
    const deadline = Date.now() + 2000;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: board\ndata: (.*)$/m.exec(block)?.[1];
        if (data) return JSON.parse(data) as BoardSnapshot;
        continue;
      }
      if (Date.now() > deadline) throw new Error('no board event');
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no board event')), 2000),
        ),
      ]);
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
}

describe('HTTP', () => {
  it('answers 413 to a body too large, without reading it all, and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${room.url}/api/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('x'.repeat(ROOM_BODY_MAX_BYTES + 1));
    });
    expect(status).toBe(413);
    const chunked = await call(room, '/api/join', {
      raw: `{"name":"${'a'.repeat(ROOM_BODY_MAX_BYTES)}"}`,
    });
    expect([chunked.status, errorCode(chunked)]).toEqual([413, 'body_too_large']);
    expect((await call(room, '/api/room')).status).toBe(200);
  });

  it('answers only requests for its own address or loopback (a DNS rebinding page names its own host)', async () => {
    const withHost = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${room.url}/api/board`, { headers: { host } });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const port = new URL(room.url).port;
    const rebound = await withHost(`attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: 'host_not_allowed' } });
    expect((await withHost(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await withHost(`localhost:${port}`)).status).toBe(200);
    expect((await withHost('127.0.0.1:1')).status).toBe(403);
  });

  it('answers JSON errors: bad JSON, not JSON, unknown path, wrong method', async () => {
    const bad = await call(room, '/api/join', { raw: '{"code":' });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'body_invalid']);
    const form = await call(room, '/api/join', {
      raw: 'code=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(415);
    const missing = await call(room, '/api/nothing');
    expect([missing.status, errorCode(missing)]).toEqual([404, 'not_found']);
    const method = await call(room, '/api/join');
    expect([method.status, errorCode(method), method.headers.get('allow')]).toEqual([
      405,
      'method_not_allowed',
      'POST',
    ]);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the board files with a CSP, and nothing outside them', async () => {
    const page = await call(room, '/board');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>board</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const script = await call(room, '/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of [
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/.hidden',
      '/assets/',
    ]) {
      const answer = await call(room, path);
      expect(answer.status, path).toBe(404);
      expect(answer.text).not.toContain('secret');
    }
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkDisplayName, checkHandMessage, STEP_REPORT_FIELDS } from '@kit/shared/room';
import { HOSTILE_IDENTITIES } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRoom, readLog } from '../src/index.js';
import { type Answer, call, joinAs, report, startTestRoom, tempDir } from './helpers.js';

const HOSTILE: unknown[] = [
  ...HOSTILE_IDENTITIES.map((hostile) => hostile.value),
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  'abc\u202etxt.exe',
  'x'.repeat(10_000),
  '\ud800',
  '\ufeffname',
  '=cmd|"/c calc"!A1',
  '__proto__',
  'constructor',
  null,
  true,
  -1,
  1e308,
  1.5,
  [],
  ['a'],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true}}'),
];

/** Raw bodies no JSON.stringify would produce. */
const RAW_BODIES: (string | Uint8Array)[] = [
  new Uint8Array([
    0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d,
  ]),
  '{"__proto__":{"isAdmin":true},"code":"KX34MP","name":"a"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[]',
  'null',
  '"string"',
  '1e999999',
  '{"a":'.repeat(2000),
  '\u0000',
];

let room: RunningRoom;
let dataDir: string;
let remove: () => Promise<void>;
const statuses: number[] = [];
beforeAll(async () => {
  const temp = await tempDir();
  remove = temp.remove;
  dataDir = temp.dir;
  room = await startTestRoom(dataDir, { code: 'KX34MP', maxMembers: 500 });
});
afterAll(async () => {
  await room.close();
  await remove();
});

async function send(path: string, init: Parameters<typeof call>[2]): Promise<Answer | null> {
  let answer: Answer;
  try {
    answer = await call(room, path, init);
  } catch (error) {
    // fetch itself refuses some header values (CR, LF, NUL): nothing reached the room.
    if (
      error instanceof TypeError &&
      /header|ByteString/i.test(String(error.message) + String(error.cause))
    )
      return null;
    throw error;
  }
  statuses.push(answer.status);
  expect(answer.status, `${init?.method ?? 'POST'} ${path}`).toBeLessThan(500);
  expect(answer.headers.get('content-type') ?? '').toMatch(/json|text\/plain|text\/html|csv/);
  return answer;
}

describe('hostile input through every field', () => {
  it('join: code and name', async () => {
    for (const value of HOSTILE) {
      await send('/api/join', { body: { code: value, name: 'ok' } });
      await send('/api/join', { body: { code: 'KX34MP', name: value } });
    }
    for (const raw of RAW_BODIES) await send('/api/join', { raw });
  });

  it('report and hand: each field, and the token', async () => {
    const member = await joinAs(room, 'hostile-tester');
    for (const value of HOSTILE) {
      for (const field of STEP_REPORT_FIELDS) {
        await send('/api/report', { token: member.token, body: { ...report(1), [field]: value } });
      }
      await send('/api/report', {
        token: member.token,
        body: { ...report(1), stages: [{ id: value, passed: true }] },
      });
      await send('/api/report', {
        token: member.token,
        body: { ...report(1), stages: [{ id: '1-1', passed: value }] },
      });
      await send('/api/hand', { token: member.token, body: { message: value } });
      if (typeof value === 'string') {
        await send('/api/membership', { token: value });
        await send('/api/report', { token: value, body: report(1) });
        await send('/api/hand', { method: 'DELETE', token: value });
      }
    }
    for (const raw of RAW_BODIES) {
      await send('/api/report', { token: member.token, raw });
      await send('/api/hand', { token: member.token, raw });
    }
  });

  it('board: member ids in the path and keys in the query', async () => {
    for (const value of HOSTILE) {
      let text: string;
      try {
        text = encodeURIComponent(String(value));
      } catch {
        text = '%ED%A0%80%ff'; // a lone surrogate: invalid UTF-8 once percent-encoded
      }
      await send(`/api/board/hands/${text}/lower`, { method: 'POST' });
      await send(`/api/board?key=${text}`, {});
      await send(`/assets/${text}`, {});
      await send(`/${text}`, { method: 'PUT' });
    }
  });

  it('still answers, and stored only what the contract allows', async () => {
    expect((await call(room, '/api/room')).status).toBe(200);
    expect(statuses.length).toBeGreaterThan(500);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const board = room.snapshot();
    expect(board.members.length).toBeGreaterThan(1);
    for (const member of board.members) {
      const name = checkDisplayName(member.name);
      expect(name.ok && name.value).toBe(member.name);
      if (member.hand) {
        const message = checkHandMessage(member.hand.message);
        expect(message.ok && message.value).toBe(member.hand.message);
      }
      expect(Object.keys(member.latest ?? {}).sort()).toEqual(
        member.latest
          ? ['at', 'durationMs', 'failingStage', 'hintId', 'kitVersion', 'passed', 'stages', 'step']
          : [],
      );
    }
    const log = await readLog(join(dataDir, 'current.jsonl'));
    expect(log.warnings).toEqual([]);
    expect(await readFile(join(dataDir, 'current.jsonl'), 'utf8')).not.toContain('polluted');
  });
});

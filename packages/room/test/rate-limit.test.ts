import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningRoom } from '../src/index.js';
import { call, errorCode, startTestRoom, tempDir } from './helpers.js';

let room: RunningRoom;
let remove: () => Promise<void>;
let clock = Date.UTC(2025, 5, 1, 10, 0);
beforeAll(async () => {
  const temp = await tempDir();
  remove = temp.remove;
  room = await startTestRoom(temp.dir, { now: () => clock, code: 'KX34MP' });
});
afterAll(async () => {
  await room.close();
  await remove();
});

it('answers 429 after 5 wrong codes from one address, even to the right code, for 10 minutes', async () => {
  for (let i = 0; i < 5; i += 1) {
    const wrong = await call(room, '/api/join', { body: { code: 'ACDEFH', name: 'guess' } });
    expect([wrong.status, errorCode(wrong)]).toEqual([403, 'code_wrong']);
    clock += 1000;
  }
  const limited = await call(room, '/api/join', { body: { code: 'KX34MP', name: 'alice' } });
  expect([limited.status, errorCode(limited)]).toEqual([429, 'too_many_attempts']);
  expect(Number(limited.headers.get('retry-after'))).toBe(600 - 5);
  expect((limited.json as { error: { message: string } }).error.message).toMatch(/待って/);
  clock += 10 * 60_000;
  const later = await call(room, '/api/join', { body: { code: 'KX34MP', name: 'alice' } });
  expect(later.status).toBe(201);
  expect(room.snapshot().members.map((m) => m.name)).toEqual(['alice']);
});

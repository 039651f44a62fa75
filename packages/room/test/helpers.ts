import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidIdentity } from '@kit/shared';
import type { BoardSnapshot, JoinResponse, StepReport } from '@kit/shared/room';
import { type RoomServerOptions, type RunningRoom, startRoomServer } from '../src/index.js';

export function report(step: number, failing: string | null = null): StepReport {
  return {
    step,
    stages: [
      { id: `${step}-1`, passed: true },
      { id: `${step}-2`, passed: failing !== `${step}-2` },
    ],
    failingStage: failing,
    hintId: failing ? `stage:${failing}` : null,
    passed: failing === null,
    durationMs: 120,
    kitVersion: '0.1.0',
  };
}

export const STAGE_TITLES = { '1-1': '準備', '1-2': '<b>声</b>', '2-2': 'identity の検査' };

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kit-room-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startTestRoom(
  dataDir: string,
  extra: Partial<RoomServerOptions> = {},
): Promise<RunningRoom> {
  return startRoomServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    stageTitles: STAGE_TITLES,
    log: () => undefined,
    ...extra,
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function call(
  room: RunningRoom,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    raw?: string | Uint8Array;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | Uint8Array | undefined = init.raw;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${room.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

let joinedCount = 0;

/** Joins as `name`; a name that is no identity (Japanese) owns `attendee<N>`, unique in the process. */
export async function joinAs(
  room: RunningRoom,
  name: string,
  identity = isValidIdentity(name) ? name : `attendee${++joinedCount}`,
): Promise<JoinResponse> {
  const answer = await call(room, '/api/join', { body: { code: room.code, name, identity } });
  if (answer.status !== 201) throw new Error(`join ${name}: ${answer.status} ${answer.text}`);
  return answer.json as JoinResponse;
}

export function errorCode(answer: Answer): string | undefined {
  return (answer.json as { error?: { code?: string } } | null)?.error?.code;
}

/** Every `board` event of the room's stream, as they come. */
export async function openBoard(room: RunningRoom) {
  const controller = new AbortController();
  const response = await fetch(`${room.url}/api/board/events`, { signal: controller.signal });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const seen: BoardSnapshot[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = /^event: board\ndata: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        buffer = buffer.slice(end + 2);
        if (data) seen.push(JSON.parse(data) as BoardSnapshot);
      }
    }
  })();
  return {
    seen,
    latest: () => seen.at(-1),
    async close() {
      controller.abort();
      await reading;
    },
  };
}

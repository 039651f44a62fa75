import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Emulator, startEmulator } from '@kit/emulator';
import { PStreamClient } from '@kit/emulator/client';
import { generateLocalCredentials } from '@kit/functions/local-env';
import { type RunningRoom, startRoomEmulator, startRoomServer } from '@kit/room';
import { MEMBER_LINK_PATH, type MemberFrame, parseRoomFrame } from '@kit/shared/member-link';
import { type JoinResponse, ROOM_PATHS } from '@kit/shared/room';
import { signAccessToken, type TokenCredentials, voiceTokenClaims } from '@kit/shared/testing';
import WebSocket from 'ws';
import { type Figure, figure } from '../report.js';
import { heapAfterGc, type Latency, sleep, summarize } from '../stats.js';
import { inPool, placeCall } from './signaling.js';

/**
 * Room calls under load (#24 item 9): members registered through one room's
 * emulator, calls held at once in waves, each call's Voice webhook through the
 * caller's member link. Baseline, same run: the same phones and calls on a
 * single-laptop emulator whose Voice URL is a local HTTP server, so the ratio is
 * what the room adds (its account of many keys and Apps, and the link instead of
 * a POST).
 *
 * Each member's kit is a raw WebSocket that answers every webhook at once, not
 * the launcher's `openRoomLink`: that one POSTs to a local `/call` (section 2
 * already times the real step-04 `/call`), and 300 of them would add 300 local
 * POSTs to the one process that also runs the room. Both ends here answer the
 * same `<Dial><Client>` without checking the signature, so only the path differs.
 *
 * Everything runs in this process on 127.0.0.1 (the heap read after the calls is
 * the room's, the emulator's and the clients' together).
 */
export interface RoomCallsLoad {
  members: number;
  /** Calls held at once in each wave (needs members ≥ 2 × heldCalls). */
  heldCalls: number;
  waves: number;
  /** Arrival rate of a wave's calls. */
  callsPerSecond: number;
}

const SECTION = '8 room calls';
const TARGET_P99_MS = 100;
/** Heap after the hang-ups (forced GC) against before the calls: no growth beyond noise. */
const TARGET_HEAP_RATIO = 1.1;
const WARM_UP_CALLS = 10;
/** Never posted to: the room signs webhooks for it, and the hand kit answers them itself. */
const KIT_VOICE_URL = 'http://127.0.0.1:3000/call';

/** The TwiML every member's `/call` answers (step 4's), the `To` escaped for XML. */
export function dialTwiml(to: string): string {
  const escaped = to.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] ?? '',
  );
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Client>${escaped}</Client></Dial></Response>`;
}

/**
 * Wave `wave`'s calls as [caller, callee] indexes: callers move on by `held` each
 * wave, so over `members / held` waves every member calls once and is called once,
 * and no phone is in two calls of a wave.
 */
export function wavePairs(members: number, held: number, wave: number): [number, number][] {
  if (held * 2 > members) throw new Error(`${held} calls at once need ${held * 2} members`);
  return Array.from({ length: held }, (_, index) => {
    const caller = (wave * held + index) % members;
    return [caller, (caller + held) % members];
  });
}

interface Phone {
  identity: string;
  client: PStreamClient;
}

interface WavesResult {
  inviteToRing: Latency;
  /** Calls up at once at the end of each wave's set-up (emulator `stats().calls`). */
  heldPerWave: number[];
  placed: number;
}

const identityOf = (index: number) => `member${String(index + 1).padStart(3, '0')}`;

function phoneToken(credentials: TokenCredentials & { API_SECRET: string }, identity: string) {
  return signAccessToken(
    voiceTokenClaims(credentials, identity, { jti: `${credentials.API_KEY}-${identity}` }),
    credentials.API_SECRET,
  );
}

async function registerPhones(
  url: string,
  members: readonly { identity: string; credentials: TokenCredentials & { API_SECRET: string } }[],
): Promise<{ phones: Phone[]; register: Latency }> {
  const phones: Phone[] = [];
  const times = await inPool(members, 25, async (member) => {
    const client = await PStreamClient.connect(url);
    phones.push({ identity: member.identity, client });
    const started = performance.now();
    await client.register(phoneToken(member.credentials, member.identity));
    return performance.now() - started;
  });
  // Back in member order: wavePairs indexes them.
  const order = new Map(members.map((member, index) => [member.identity, index]));
  phones.sort((a, b) => (order.get(a.identity) ?? 0) - (order.get(b.identity) ?? 0));
  return { phones, register: summarize(times) };
}

/** One wave: `pairs` arriving at `callsPerSecond`, all answered and held, then all hung up. */
async function wave(
  emulator: Emulator,
  phones: readonly Phone[],
  pairs: readonly [number, number][],
  callsPerSecond: number,
): Promise<{ inviteToRing: number[]; held: number }> {
  const calls = await Promise.all(
    pairs.map(async ([caller, callee], index) => {
      await sleep((index * 1000) / callsPerSecond);
      const to = phones[callee] as Phone;
      return placeCall((phones[caller] as Phone).client, to.client, to.identity, true);
    }),
  );
  const held = emulator.stats().calls;
  await Promise.all(calls.map((call) => call.hangup()));
  return { inviteToRing: calls.map((call) => call.inviteToInvite), held };
}

/** Warm-up calls (not counted), then `load.waves` waves. */
async function callWaves(
  emulator: Emulator,
  phones: readonly Phone[],
  load: RoomCallsLoad,
  afterWarmUp: () => Promise<void> = async () => {},
): Promise<WavesResult> {
  await wave(emulator, phones, wavePairs(phones.length, WARM_UP_CALLS, 0), load.callsPerSecond);
  await afterWarmUp();
  const samples: number[] = [];
  const heldPerWave: number[] = [];
  for (let index = 0; index < load.waves; index += 1) {
    const result = await wave(
      emulator,
      phones,
      wavePairs(phones.length, load.heldCalls, index),
      load.callsPerSecond,
    );
    samples.push(...result.inviteToRing);
    heldPerWave.push(result.held);
  }
  return { inviteToRing: summarize(samples), heldPerWave, placed: samples.length };
}

/** Polls `done` every 20 ms for up to 3 s: closes and hang-ups are processed on later turns. */
async function settle(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 3000;
  while (!done() && performance.now() < deadline) await sleep(20);
}

/** The single-laptop set-up: one key, one App, its Voice URL a local server answering at once. */
async function laptopBaseline(load: RoomCallsLoad) {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const to = new URLSearchParams(body).get('To') ?? '';
      response.writeHead(200, { 'content-type': 'text/xml' }).end(dialTwiml(to));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const credentials = generateLocalCredentials();
  const voiceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/call`;
  const emulator = await startEmulator({ credentials, voiceUrl });
  try {
    const members = Array.from({ length: load.members }, (_, index) => ({
      identity: identityOf(index),
      credentials,
    }));
    const { phones, register } = await registerPhones(emulator.url, members);
    const calls = await callWaves(emulator, phones, load);
    await Promise.all(phones.map((phone) => phone.client.close(1000)));
    return { ...calls, register };
  } finally {
    await emulator.close();
    server.close();
  }
}

async function joinMembers(room: RunningRoom, count: number): Promise<JoinResponse[]> {
  const joined: JoinResponse[] = [];
  for (let first = 0; first < count; first += 20) {
    const batch = Array.from({ length: Math.min(20, count - first) }, async (_, offset) => {
      const identity = identityOf(first + offset);
      const response = await fetch(`${room.url}${ROOM_PATHS.join}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: room.code, name: identity, identity }),
      });
      if (response.status !== 201) {
        throw new Error(`join ${identity}: ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as JoinResponse;
    });
    joined.push(...(await Promise.all(batch)));
  }
  return joined;
}

/** A member's kit reduced to its link: hello once the room is ready, every webhook answered at once. */
async function openHandKit(room: RunningRoom, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${room.url.replace(/^http/, 'ws')}${MEMBER_LINK_PATH}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const send = (frame: MemberFrame) => socket.send(JSON.stringify(frame));
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = parseRoomFrame(String(data));
      if (frame?.type === 'ready') resolve();
      if (frame?.type !== 'webhook') return;
      const body = dialTwiml(frame.params.To ?? '');
      send({ type: 'answer', id: frame.id, status: 200, contentType: 'text/xml', body });
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`the room refused a member link: ${response.statusCode}`)),
    );
  });
  send({ type: 'hello', voiceUrl: KIT_VOICE_URL });
  return socket;
}

async function roomRun(load: RoomCallsLoad) {
  const dataDir = await mkdtemp(join(tmpdir(), 'kit-bench-room-calls-'));
  const room = await startRoomServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    stageTitles: {},
    log: () => {},
  });
  const phonesServer = await startRoomEmulator(room, { host: '127.0.0.1', port: 0 });
  const { emulator } = phonesServer;
  const links: WebSocket[] = [];
  let phones: Phone[] = [];
  try {
    const members = await joinMembers(room, load.members);
    links.push(...(await inPool(members, 25, (member) => openHandKit(room, member.token))));
    const registered = await registerPhones(
      emulator.url,
      members.map((member) => ({ identity: member.identity, credentials: member.credentials })),
    );
    phones = registered.phones;
    const linksReady = () => room.memberLinks.status().filter((link) => link.ready).length;
    await settle(() => linksReady() === load.members);

    let heapBefore = 0;
    const calls = await callWaves(emulator, phones, load, async () => {
      await settle(() => emulator.stats().calls === 0);
      heapBefore = heapAfterGc();
    });
    const pending = () => room.memberLinks.status().reduce((sum, link) => sum + link.pending, 0);
    await settle(() => emulator.stats().calls === 0 && pending() === 0);
    const heapAfter = heapAfterGc();
    const stats = emulator.stats();
    return {
      ...calls,
      register: registered.register,
      heapBefore,
      heapAfter,
      left: { calls: stats.calls, pending: pending() },
      up: {
        links: room.memberLinks.status().length,
        ready: linksReady(),
        devices: stats.devices,
        sockets: stats.sockets,
      },
      totalCalls: stats.totals.calls,
    };
  } finally {
    await Promise.all(phones.map((phone) => phone.client.close(1000)));
    await Promise.all(
      links.map(async (socket) => {
        if (socket.readyState === WebSocket.CLOSED) return;
        const closed = once(socket, 'close');
        socket.close();
        await closed;
      }),
    );
    await phonesServer.close();
    await room.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Each percentile the lower of two runs. */
function fasterOf(a: Latency, b: Latency): Latency {
  return {
    count: a.count + b.count,
    p50: Math.min(a.p50, b.p50),
    p99: Math.min(a.p99, b.p99),
    mean: Math.min(a.mean, b.mean),
  };
}

export async function benchRoomCalls(load: RoomCallsLoad): Promise<Figure[]> {
  // The baseline before and after the room, the faster of each figure kept: the
  // first run in the process also pays for warming up the code both share.
  const before = await laptopBaseline(load);
  const room = await roomRun(load);
  const after = await laptopBaseline(load);
  const laptop = {
    register: fasterOf(before.register, after.register),
    inviteToRing: fasterOf(before.inviteToRing, after.inviteToRing),
    heldPerWave: [...before.heldPerWave, ...after.heldPerWave],
  };
  const baseline = (value: number) => ({
    label: 'single-laptop emulator, Voice URL a local POST',
    value,
  });
  const allHeld = room.heldPerWave.every((held) => held === load.heldCalls);
  const mb = (bytes: number) => bytes / 1e6;
  const note = `${load.members} members joined, ${room.up.links} member links (raw WebSockets answering <Dial><Client> at once) and ${room.up.devices} phones registered on the room's emulator; ${load.waves} waves of ${load.heldCalls} calls at ${load.callsPerSecond}/s (held at once: ${room.heldPerWave.join(', ')}; ${room.totalCalls} calls with ${WARM_UP_CALLS} warm-up), then hung up; baseline the same on one emulator with one key, run before and after the room, the faster kept (held: ${laptop.heldPerWave.join(', ')}); one process, 127.0.0.1`;
  return [
    figure({
      section: SECTION,
      metric: `register p99, ${load.members} phones`,
      unit: 'ms',
      value: room.register.p99,
      baseline: baseline(laptop.register.p99),
      note,
    }),
    figure({
      section: SECTION,
      metric: 'invite → callee ring p50 (webhook via member link)',
      unit: 'ms',
      value: room.inviteToRing.p50,
      baseline: baseline(laptop.inviteToRing.p50),
    }),
    figure({
      section: SECTION,
      metric: `invite → callee ring p99, ${load.heldCalls} calls held`,
      unit: 'ms',
      value: room.inviteToRing.p99,
      baseline: baseline(laptop.inviteToRing.p99),
      target: {
        text: `${load.heldCalls} held at once, p99 < ${TARGET_P99_MS} ms`,
        pass: allHeld && room.inviteToRing.p99 < TARGET_P99_MS,
      },
    }),
    figure({
      section: SECTION,
      metric: 'left after hang-up (calls + webhooks pending)',
      unit: '',
      value: room.left.calls + room.left.pending,
      baseline: { label: 'calls placed', value: room.placed },
      target: {
        text: `0 left; ${load.members} links ready, ${load.members} phones (and sockets) registered`,
        pass:
          room.left.calls === 0 &&
          room.left.pending === 0 &&
          room.up.links === load.members &&
          room.up.ready === load.members &&
          room.up.devices === load.members &&
          room.up.sockets === load.members,
      },
    }),
    figure({
      section: SECTION,
      metric: 'heap after hang-ups (forced GC)',
      unit: 'MB',
      value: mb(room.heapAfter),
      baseline: { label: 'heap before the calls, same process', value: mb(room.heapBefore) },
      target: {
        text: `≤ ${TARGET_HEAP_RATIO.toFixed(2)}× before`,
        pass: room.heapAfter <= room.heapBefore * TARGET_HEAP_RATIO,
      },
    }),
  ];
}

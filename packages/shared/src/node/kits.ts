import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isKitServerInfo, KIT_SERVER_INFO_PATH, type KitServerInfo } from '../contract.js';
import { requestText } from './http.js';
import { isPortFree } from './ports.js';

/**
 * Finding the kits that run on this machine (Node only), for the doctor and
 * `pnpm call:signed`: one copy of the discovery, so both find the same kits.
 *
 * A port says little by itself: a learner may start `pnpm dev:step 3` on
 * PORT=3002 because 3000 is busy (the docs suggest it). So each running kit
 * (the launcher's `pnpm dev` / `dev:step`) leaves a small file with its port
 * beside the `.env` it serves with, and the kit's server says what it serves at
 * `/kit/server.json`. A file whose process is gone is stale and is removed.
 */

/** Where the loopback address is: the kit never listens elsewhere. */
export const KIT_HOST = '127.0.0.1';

/** The kits that run with this `.env` (its AUTH_TOKEN signs their /call) leave their port here. */
export function runningKitsDir(envFile: string): string {
  return join(dirname(envFile), '.kit', 'running');
}

export interface Advertisement {
  /** Removes the file; safe to call twice and from a process 'exit' handler (synchronous). */
  withdraw(): void;
}

/** Says "a kit listens on `port`" until withdrawn (or until this process is gone). */
export function advertiseKit(dir: string, port: number): Advertisement {
  const file = join(dir, `${port}.json`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ port, pid: process.pid })}\n`);
  return { withdraw: () => rmSync(file, { force: true }) };
}

/** Who holds a port: nobody, the kit's Functions, the kit's emulator, or something else. */
export type PortHolder =
  | { kind: 'free' }
  | { kind: 'kit'; port: number; baseUrl: string; info: KitServerInfo | null }
  | { kind: 'emulator'; baseUrl: string }
  | { kind: 'other' };

export const DOCTOR_IDENTITY = 'kit-doctor';

/**
 * Asks what answers on a busy port. The kit says so at `/kit/server.json`; a
 * kit started before that route existed is recognised by its token endpoint
 * (JSON with a token, or the kit's `{ error: { code } }`); the emulator
 * answers `GET /healthz` with `{ ok: true }`.
 */
export async function identifyPort(port: number): Promise<PortHolder> {
  if (await isPortFree(port, KIT_HOST)) return { kind: 'free' };
  const baseUrl = `http://${KIT_HOST}:${port}`;
  const json = async (path: string) => {
    const answer = await requestText(`${baseUrl}${path}`, { timeoutMs: 3_000 }).catch(() => null);
    return answer ? { status: answer.status, value: parseJson(answer.body) } : null;
  };
  const about = await json(KIT_SERVER_INFO_PATH);
  if (about?.status === 200 && isKitServerInfo(about.value)) {
    return { kind: 'kit', port, baseUrl, info: about.value };
  }
  const token = await json(`/voice-token?identity=${DOCTOR_IDENTITY}`);
  if (token && looksLikeKitAnswer(token.value)) return { kind: 'kit', port, baseUrl, info: null };
  const health = await json('/healthz');
  if (health?.status === 200 && isRecord(health.value) && health.value.ok === true) {
    return { kind: 'emulator', baseUrl };
  }
  return { kind: 'other' };
}

export type RunningKit = Extract<PortHolder, { kind: 'kit' }>;

/**
 * The kits that answer now: those that left their port in `dir`, and any on
 * `alsoPorts` (PORT, or 3000: a kit started before the files existed).
 * Sorted by port.
 */
export async function findRunningKits(
  dir: string,
  alsoPorts: readonly number[] = [],
): Promise<RunningKit[]> {
  const ports = new Set([...advertisedPorts(dir), ...alsoPorts]);
  const holders = await Promise.all([...ports].map((port) => identifyPort(port)));
  return holders
    .filter((holder): holder is RunningKit => holder.kind === 'kit')
    .sort((a, b) => a.port - b.port);
}

/** `step-03(作業フォルダー)` or `step-04(完成コード)`: how a kit is named to a learner. */
export function describeKit(kit: RunningKit): string {
  if (!kit.info) return `PORT ${kit.port} のキット`;
  const what = kit.info.workspace ? '作業フォルダー' : '完成コード';
  return `PORT ${kit.port} の ${kit.info.step}(${what})`;
}

function advertisedPorts(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const name of names.filter((candidate) => candidate.endsWith('.json'))) {
    const file = join(dir, name);
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // Being written, or not ours: leave it alone.
    }
    if (!isRecord(entry) || !isPort(entry.port) || typeof entry.pid !== 'number') continue;
    if (!isAlive(entry.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    ports.push(entry.port);
  }
  return ports;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65_536;
}

function looksLikeKitAnswer(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (typeof value.token === 'string') return true;
  return isRecord(value.error) && typeof value.error.code === 'string';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

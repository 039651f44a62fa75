import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommandIo } from '@kit/shared/cli';
import type { SectionName } from './command.js';
import { type Figure, renderTable, saveResults } from './report.js';
import { benchBrowser } from './sections/browser.js';
import { benchBundle } from './sections/bundle.js';
import { benchDocs } from './sections/docs.js';
import { benchLearnerCheck } from './sections/learner.js';
import { benchRoom } from './sections/room.js';
import { benchRoomCalls } from './sections/room-calls.js';
import { benchSignaling } from './sections/signaling.js';
import { benchMinting, benchTokenEndpoint } from './sections/token.js';
import { BENCH_DIR } from './servers/fixture-step.js';

/**
 * `pnpm bench`'s sections, run once the command line is read (command.ts loads
 * this module only then: it brings in Playwright, VitePress and the Functions
 * runtime, seconds that --help or a misspelt section should not wait for).
 * Every figure next to a baseline measured in the same run (or, for the
 * original hands-on's bundle, quoted and marked so). A section that fails is
 * reported and the run goes on; the exit code says whether all sections ran.
 * Targets missed are reported, not fatal.
 */
const RESULTS_DIR = join(BENCH_DIR, '../../bench-results');

function sectionRunners(quick: boolean): Record<SectionName, () => Promise<Figure[]>> {
  return {
    bundle: benchBundle,
    'token endpoint': () =>
      benchTokenEndpoint({ connections: 10, roundMs: quick ? 1000 : 2000, rounds: quick ? 2 : 8 }),
    minting: async () => benchMinting(quick ? 300 : 1000, 3),
    signaling: () =>
      benchSignaling(
        quick
          ? { calls: 200, devices: 200, concurrentCalls: 50, callsPerSecond: 100 }
          : { calls: 300, devices: 1000, concurrentCalls: 200, callsPerSecond: 100 },
      ),
    browser: () => benchBrowser({ calls: quick ? 5 : 20 }),
    docs: benchDocs,
    learner: () => benchLearnerCheck(quick ? 1 : 3),
    room: () =>
      benchRoom(
        quick
          ? { members: 100, intervalMs: 2000, durationMs: 10_000 }
          : { members: 300, intervalMs: 2000, durationMs: 60_000 },
      ),
    'room calls': () =>
      benchRoomCalls(
        quick
          ? { members: 100, heldCalls: 30, waves: 2, callsPerSecond: 100 }
          : { members: 300, heldCalls: 100, waves: 3, callsPerSecond: 100 },
      ),
  };
}

/** Runs the sections named in `only` (all when empty), in the catalog's order; returns the exit code. */
export async function runSections(
  names: readonly SectionName[],
  only: readonly string[],
  io: CommandIo,
): Promise<number> {
  /** BENCH_QUICK=1: a smoke run (about a minute) with smaller counts; its figures are not the reported ones. */
  const quick = io.env.BENCH_QUICK === '1';
  const runners = sectionRunners(quick);
  const say = (text: string) => io.stdout(`${text}\n`);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const figures: Figure[] = [];
  const notes: string[] = [
    ...(quick ? ['BENCH_QUICK=1: smaller counts, a smoke run only'] : []),
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ')} (1/5/15 min) at the start; Node ${process.version}`,
  ];
  let failed = 0;
  for (const name of names) {
    if (only.length > 0 && !only.includes(name)) continue;
    const sectionStarted = performance.now();
    say(`bench: ${name}…`);
    try {
      const results = await runners[name]();
      figures.push(...results);
      const seconds = ((performance.now() - sectionStarted) / 1000).toFixed(1);
      say(`bench: ${name} done in ${seconds} s`);
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      notes.push(`${name} FAILED: ${message}`);
      io.stderr(`bench: ${name} FAILED\n${message}\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;

  say(`\n${renderTable(figures)}\n`);
  const uniqueNotes = [...new Set(figures.flatMap((item) => (item.note ? [item.note] : [])))];
  for (const note of [...uniqueNotes, ...notes]) say(`- ${note}`);
  const file = await saveResults(RESULTS_DIR, { figures, notes, startedAt, seconds });
  const missed = figures.filter((item) => item.target && !item.target.pass);
  say(
    `\nbench: ${figures.length} figures in ${seconds.toFixed(0)} s, ${missed.length} target(s) missed, ${failed} section(s) failed; saved ${file}`,
  );
  return failed > 0 ? 1 : 0;
}

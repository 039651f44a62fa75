import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCommandLine, type Usage, usageError } from '@kit/shared/cli';
import { type Figure, renderTable, saveResults } from './report.js';
import { benchBrowser } from './sections/browser.js';
import { benchBundle } from './sections/bundle.js';
import { benchDocs } from './sections/docs.js';
import { benchLearnerCheck } from './sections/learner.js';
import { benchSignaling } from './sections/signaling.js';
import { benchMinting, benchTokenEndpoint } from './sections/token.js';
import { BENCH_DIR } from './servers/fixture-step.js';

/**
 * `pnpm bench`: every figure next to a baseline measured in the same run
 * (or, for the original hands-on's bundle, quoted and marked
 * so). A section that fails is reported and the run goes on; the exit code
 * says whether all sections ran. Targets missed are reported, not fatal.
 */
const RESULTS_DIR = join(BENCH_DIR, '../../bench-results');

/** BENCH_QUICK=1: a smoke run (about a minute) with smaller counts; its figures are not the reported ones. */
const quick = process.env.BENCH_QUICK === '1';

const sections: { name: string; run: () => Promise<Figure[]> }[] = [
  { name: 'bundle', run: benchBundle },
  {
    name: 'token endpoint',
    run: () =>
      benchTokenEndpoint({ connections: 10, roundMs: quick ? 1000 : 2000, rounds: quick ? 2 : 8 }),
  },
  { name: 'minting', run: async () => benchMinting(quick ? 300 : 1000, 3) },
  {
    name: 'signaling',
    run: () =>
      benchSignaling(
        quick
          ? { calls: 200, devices: 200, concurrentCalls: 50, callsPerSecond: 100 }
          : { calls: 300, devices: 1000, concurrentCalls: 200, callsPerSecond: 100 },
      ),
  },
  { name: 'browser', run: () => benchBrowser({ calls: quick ? 5 : 20 }) },
  { name: 'docs', run: benchDocs },
  { name: 'learner', run: () => benchLearnerCheck(quick ? 1 : 3) },
];

// `pnpm --filter @kit/bench bench -- signaling docs` runs only those sections.
const sectionNames = sections.map((section) => section.name);
const USAGE: Usage = {
  japanese: `使い方: pnpm --filter @kit/bench bench [-- 計測項目...]
  計測項目を指定すると、その項目だけを計測します(${sectionNames.join('、')})。
  BENCH_QUICK=1 を付けると、件数を減らした試運転(約 1 分)になります。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm --filter @kit/bench bench [-- section...]
  Runs only the named sections (${sectionNames.join(', ')}); BENCH_QUICK=1 makes a smoke run
  of about a minute with smaller counts.`,
};
const { positionals: only } = parseCommandLine({
  usage: USAGE,
  options: {},
  positionals: Number.POSITIVE_INFINITY,
});
const unknown = only.filter((name) => !sectionNames.includes(name));
if (unknown.length > 0) {
  usageError(
    `知らない計測項目です: ${unknown.join('、')}`,
    `unknown section(s) ${unknown.join(', ')}`,
    USAGE,
  );
}
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
for (const section of sections) {
  if (only.length > 0 && !only.includes(section.name)) continue;
  const sectionStarted = performance.now();
  console.log(`bench: ${section.name}…`);
  try {
    const results = await section.run();
    figures.push(...results);
    const seconds = ((performance.now() - sectionStarted) / 1000).toFixed(1);
    console.log(`bench: ${section.name} done in ${seconds} s`);
  } catch (error) {
    failed += 1;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    notes.push(`${section.name} FAILED: ${message}`);
    console.error(`bench: ${section.name} FAILED\n${message}`);
  }
}
const seconds = (performance.now() - started) / 1000;

console.log(`\n${renderTable(figures)}\n`);
const uniqueNotes = [...new Set(figures.flatMap((item) => (item.note ? [item.note] : [])))];
for (const note of [...uniqueNotes, ...notes]) console.log(`- ${note}`);
const file = await saveResults(RESULTS_DIR, { figures, notes, startedAt, seconds });
const missed = figures.filter((item) => item.target && !item.target.pass);
console.log(
  `\nbench: ${figures.length} figures in ${seconds.toFixed(0)} s, ${missed.length} target(s) missed, ${failed} section(s) failed; saved ${file}`,
);
process.exitCode = failed > 0 ? 1 : 0;

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { RESULT_MARK } from '../browser/result-mark.js';
import { type Figure, figure } from '../report.js';
import { BENCH_DIR } from '../servers/fixture-step.js';
import { summarize } from '../stats.js';

const SECTION = '3 browser';
const OFFLINE_SCRIPT = resolve(BENCH_DIR, '../../tests/scripts/offline.sh');
const RUN_TIMEOUT_MS = 180_000;

interface Sample {
  incoming: number;
  open: number;
}

/**
 * Real Chromium, in a loopback-only network namespace (tests/scripts/offline.sh):
 * the kit's phone calling itself through the emulator, against a bare
 * RTCPeerConnection call between two pages (no SDK) relayed over a plain
 * WebSocket, interleaved call by call.
 */
export async function benchBrowser(options: { calls: number }): Promise<Figure[]> {
  const child = spawn(
    'bash',
    [
      OFFLINE_SCRIPT,
      process.execPath,
      '--import',
      'tsx',
      join(BENCH_DIR, 'src/browser/offline-run.ts'),
      String(options.calls),
    ],
    { cwd: BENCH_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARK));
  if (code !== 0 || !line) {
    throw new Error(`browser run failed (exit ${code}): ${stderr.slice(-3000)}`);
  }
  const result = JSON.parse(line.slice(RESULT_MARK.length)) as {
    phone: Sample[];
    baseline: Sample[];
    chromiumVersion: string;
  };
  const offline = stderr.includes('running with the host network')
    ? 'host network (no namespace available)'
    : 'loopback-only namespace';
  const note = `${result.phone.length} calls each, interleaved after one warm-up; Chromium ${result.chromiumVersion}, ${offline}; phone = launch() (step 04 on the real runtime + emulator), statuses read from data-status; baseline = two pages, getUserMedia + RTCPeerConnection, SDP (ICE gathered) relayed by a plain ws server`;
  const phone = {
    incoming: summarize(result.phone.map((sample) => sample.incoming)),
    open: summarize(result.phone.map((sample) => sample.open)),
  };
  const baseline = {
    incoming: summarize(result.baseline.map((sample) => sample.incoming)),
    open: summarize(result.baseline.map((sample) => sample.open)),
  };
  const incomingLabel = 'bare RTCPeerConnection: offer → other page';
  const openLabel = 'bare RTCPeerConnection: answer → both connected';
  return [
    figure({
      section: SECTION,
      metric: 'connect → callee incoming p50',
      unit: 'ms',
      value: phone.incoming.p50,
      baseline: { label: incomingLabel, value: baseline.incoming.p50 },
      note,
    }),
    figure({
      section: SECTION,
      metric: 'connect → callee incoming p99',
      unit: 'ms',
      value: phone.incoming.p99,
      baseline: { label: incomingLabel, value: baseline.incoming.p99 },
      note,
    }),
    figure({
      section: SECTION,
      metric: 'accept → both sides in call p50',
      unit: 'ms',
      value: phone.open.p50,
      baseline: { label: openLabel, value: baseline.open.p50 },
      note,
    }),
    figure({
      section: SECTION,
      metric: 'accept → both sides in call p99',
      unit: 'ms',
      value: phone.open.p99,
      baseline: { label: openLabel, value: baseline.open.p99 },
      note,
    }),
  ];
}

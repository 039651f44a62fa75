import { performance } from 'node:perf_hooks';
import { generateLocalCredentials, type LocalCredentials } from '@kit/functions/local-env';
import { pickStepEnv } from '@kit/functions/step-env';
import { findStep } from '@kit/shared';
import { signAccessToken, voiceTokenClaims } from '@kit/shared/testing';
import twilio from 'twilio';
import { type LoadResult, loadGet } from '../http-load.js';
import { type Figure, figure } from '../report.js';
import { startServerProcess } from '../servers/server-process.js';
import { median, summarize } from '../stats.js';

export interface TokenBenchOptions {
  connections: number;
  roundMs: number;
  rounds: number;
}

const SECTION = '1 token';

/**
 * step-03 /voice-token vs the original hands-on's token Function, each on the
 * same runtime (startStepServer) in its own child process, measured in
 * alternating rounds (A B, B A, A B …) so drift hits both.
 */
export async function benchTokenEndpoint(options: TokenBenchOptions): Promise<Figure[]> {
  const credentials = generateLocalCredentials();
  const step = findStep(3);
  if (!step) throw new Error('step 03 missing');
  const ours = await startServerProcess({
    kind: 'step',
    step: 3,
    env: pickStepEnv(step, { ...credentials }),
  });
  const original = await startServerProcess({ kind: 'original', env: { ...credentials } });
  const results = { ours: [] as LoadResult[], original: [] as LoadResult[] };
  const cpu = { ours: 0, original: 0 };
  const processes = { ours, original };
  try {
    const targets = {
      ours: `${ours.url}/voice-token?identity=alice`,
      original: `${original.url}/voice-token?identity=alice`,
    };
    // Warm up both (JIT, first require of twilio) outside the measurement.
    for (const url of Object.values(targets)) {
      await loadGet(url, { connections: options.connections, durationMs: 1000, expectStatus: 200 });
    }
    for (let round = 0; round < options.rounds; round += 1) {
      const order =
        round % 2 === 0 ? (['ours', 'original'] as const) : (['original', 'ours'] as const);
      for (const name of order) {
        const cpuBefore = await processes[name].cpuMicros();
        results[name].push(
          await loadGet(targets[name], {
            connections: options.connections,
            durationMs: options.roundMs,
            expectStatus: 200,
          }),
        );
        cpu[name] += (await processes[name].cpuMicros()) - cpuBefore;
      }
    }
  } finally {
    await Promise.all([ours.close(), original.close()]);
  }

  const a = pooled(results.ours);
  const b = pooled(results.original);
  const cpuPerRequest = { ours: cpu.ours / a.requests, original: cpu.original / b.requests };
  const note = `${options.connections} connections, ${options.rounds} alternating rounds × ${options.roundMs / 1000} s, pooled over rounds; ${a.requests}/${b.requests} requests, ${a.errors}/${b.errors} errors (ours/original)`;
  return tokenEndpointFigures(a, b, cpuPerRequest, note);
}

type Pooled = ReturnType<typeof pooled>;

/** Pooled over all rounds: total requests over total time, percentiles of every latency. */
function pooled(list: LoadResult[]) {
  const requests = list.reduce((sum, result) => sum + result.requests, 0);
  const seconds = list.reduce((sum, result) => sum + result.seconds, 0);
  const latency = summarize(list.flatMap((result) => result.samples));
  return {
    rps: requests / seconds,
    p50: latency.p50,
    p99: latency.p99,
    errors: list.reduce((sum, result) => sum + result.errors, 0),
    requests,
  };
}

function tokenEndpointFigures(
  a: Pooled,
  b: Pooled,
  cpuPerRequest: { ours: number; original: number },
  note: string,
): Figure[] {
  const label = 'original token Function';
  return [
    figure({
      section: SECTION,
      metric: 'step-03 /voice-token throughput',
      unit: 'req/s',
      value: a.rps,
      baseline: { label, value: b.rps },
      target: { text: '≥ 0.90× baseline', pass: a.rps >= 0.9 * b.rps && a.errors === 0 },
      note,
    }),
    figure({
      section: SECTION,
      metric: 'step-03 /voice-token server CPU per request',
      unit: 'µs',
      value: cpuPerRequest.ours,
      baseline: { label, value: cpuPerRequest.original },
      target: {
        text: '≤ 1.10× baseline',
        pass: cpuPerRequest.ours <= 1.1 * cpuPerRequest.original,
      },
      note: `${note}; CPU = the server process's user+system time during the rounds / requests served (robust to other load on the machine)`,
    }),
    figure({
      section: SECTION,
      metric: 'step-03 /voice-token p50',
      unit: 'ms',
      value: a.p50,
      baseline: { label, value: b.p50 },
      target: { text: '≤ 1.10× baseline', pass: a.p50 <= 1.1 * b.p50 },
      note,
    }),
    figure({
      section: SECTION,
      metric: 'step-03 /voice-token p99',
      unit: 'ms',
      value: a.p99,
      baseline: { label, value: b.p99 },
      target: { text: '≤ 1.10× baseline', pass: a.p99 <= 1.1 * b.p99 },
      note,
    }),
  ];
}

function mintWithAccessToken(credentials: LocalCredentials, identity: string): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(
    credentials.ACCOUNT_SID,
    credentials.API_KEY,
    credentials.API_SECRET,
    { identity, ttl: 3600 },
  );
  token.addGrant(
    new AccessToken.VoiceGrant({
      outgoingApplicationSid: credentials.TWIML_APP_SID,
      incomingAllow: true,
    }),
  );
  return token.toJwt();
}

/** The same claims signed HS256 with node:crypto alone: the floor for any minting. */
function mintRaw(credentials: LocalCredentials, identity: string): string {
  return signAccessToken(voiceTokenClaims(credentials, identity), credentials.API_SECRET);
}

function tokensPerSecond(mint: () => string, durationMs: number): number {
  let count = 0;
  let length = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    length += mint().length; // keep the result alive so nothing is optimised away
    count += 1;
  }
  if (length === 0) throw new Error('empty tokens');
  return count / ((performance.now() - started) / 1000);
}

/** In-process minting: twilio's AccessToken (what the steps teach) vs raw HS256 with node:crypto. */
export function benchMinting(roundMs: number, rounds: number): Figure[] {
  const credentials = generateLocalCredentials();
  const accessToken: number[] = [];
  const raw: number[] = [];
  tokensPerSecond(() => mintWithAccessToken(credentials, 'alice'), 200);
  tokensPerSecond(() => mintRaw(credentials, 'alice'), 200);
  for (let round = 0; round < rounds; round += 1) {
    accessToken.push(tokensPerSecond(() => mintWithAccessToken(credentials, 'alice'), roundMs));
    raw.push(tokensPerSecond(() => mintRaw(credentials, 'alice'), roundMs));
  }
  return [
    figure({
      section: SECTION,
      metric: 'minting in-process (AccessToken + VoiceGrant)',
      unit: 'tokens/s',
      value: median(accessToken),
      baseline: { label: 'raw HS256, node:crypto', value: median(raw) },
      note: `${rounds} alternating rounds × ${roundMs} ms, median`,
    }),
  ];
}

import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { BENCH_DIR } from './fixture-step.js';

export type ServeRequest =
  | { kind: 'step'; step: number; env: Record<string, string> }
  | { kind: 'original'; env: Record<string, string> };

export type ChildReply = { url: string } | { error: string };

export interface ServerProcess {
  url: string;
  pid: number;
  /** CPU time (user + system, µs) the server process has used so far. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** Starts a step (or the original token Function) on the real runtime in its own Node process. */
export async function startServerProcess(request: ServeRequest): Promise<ServerProcess> {
  const child: ChildProcess = fork(join(BENCH_DIR, 'src/servers/server-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send(request);
  const [reply] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => [{ error: 'server process exited before it was ready' }]),
  ])) as [ChildReply];
  if ('error' in reply) {
    child.kill();
    throw new Error(reply.error);
  }
  return {
    url: reply.url,
    pid: child.pid ?? -1,
    cpuMicros: async () => {
      child.send('cpu');
      const [answer] = (await once(child, 'message')) as [{ cpuMicros: number }];
      return answer.cpuMicros;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

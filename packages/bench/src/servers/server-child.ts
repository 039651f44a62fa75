import { startStepServer } from '@kit/functions/server';
import { referenceStepDir } from '@kit/functions/steps-dir';
import { findStep } from '@kit/shared';
import { originalTokenStepDir } from './fixture-step.js';
import type { ChildReply, ServeRequest } from './server-process.js';

/**
 * One Functions runtime per process (it sets process globals), started on
 * request from the parent over IPC; exits when the parent disconnects.
 */
process.once('message', async (message: ServeRequest) => {
  try {
    const stepDir =
      message.kind === 'original'
        ? await originalTokenStepDir()
        : referenceStepDir(stepOf(message.step));
    const server = await startStepServer({ stepDir, env: message.env, port: 0 });
    const reply: ChildReply = { url: server.url };
    process.send?.(reply);
    // CPU time is what the bench compares under noise: wall-clock throughput
    // depends on whatever else the shared machine runs.
    process.on('message', (question: unknown) => {
      if (question === 'cpu') {
        const { user, system } = process.cpuUsage();
        process.send?.({ cpuMicros: user + system });
      }
    });
  } catch (error) {
    const reply: ChildReply = {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
    process.send?.(reply);
  }
});
process.once('disconnect', () => process.exit(0));

function stepOf(number: number) {
  const step = findStep(number);
  if (!step) throw new Error(`step ${number} is not in the catalog`);
  return step;
}

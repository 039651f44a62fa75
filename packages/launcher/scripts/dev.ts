import { processIo } from '@kit/shared/cli';
import { type RunningDev, startDev } from '../src/dev-command.js';

// The bin of `pnpm dev` / `pnpm dev:step N`: starts the kit with this process's
// arguments, streams and environment, and stops it on SIGINT or SIGTERM.
function stopOnSignals(running: RunningDev): void {
  process.on('exit', () => running.withdraw());
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

const started = await startDev(process.argv.slice(2), processIo(), { onRunning: stopOnSignals });
if ('exitCode' in started) {
  // Exit at once (once stdout is written): a start that failed half-way must not
  // keep the process alive on whatever it had opened.
  process.stdout.write('', () => process.exit(started.exitCode));
}

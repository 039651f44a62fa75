import { processIo } from '@kit/shared/cli';
import { roomMain } from '../src/instructor/room-command.js';

// The bin of `pnpm room`: opens the room with this process's arguments and
// streams, and closes it (server, board streams, event log) on Ctrl-C or SIGTERM.
const room = await roomMain(process.argv.slice(2), processIo());
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    room.close().then(
      () => {
        process.stdout.write('教室を閉じました。記録は残っています(pnpm room で再開できます)。\n');
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
}

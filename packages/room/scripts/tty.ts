import { createInterface } from 'node:readline/promises';
import { processIo } from '@kit/shared/cli';
import type { RoomCommandIo } from '../src/commands/io.js';

/** The process's io, with questions asked on the terminal when stdin is one (never otherwise). */
export function terminalIo(): RoomCommandIo {
  const io: RoomCommandIo = processIo();
  if (process.stdin.isTTY) {
    io.ask = async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await readline.question(question);
      } finally {
        readline.close();
      }
    };
  }
  return io;
}

/** Exits once stdout is written (no keep-alive connection holds the command open). */
export function exitWhenWritten(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

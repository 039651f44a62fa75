import { type FileHandle, open, readFile } from 'node:fs/promises';
import { parseEvent, type RoomEvent, type RoomEventBody } from './events.js';

export interface ReadLog {
  events: RoomEvent[];
  /** One Japanese line per line skipped (a torn last line after a crash, a hand edit). */
  warnings: string[];
  /** False when the file does not end with a newline (a write was cut short). */
  endsClean: boolean;
}

/** The events of a log file; a missing file is an empty log. Never throws on content. */
export async function readLog(path: string): Promise<ReadLog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { events: [], warnings: [], endsClean: true };
    throw error;
  }
  const events: RoomEvent[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  let lastSeq = 0;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const torn = index === lines.length - 1;
    let event: RoomEvent | null = null;
    try {
      event = parseEvent(JSON.parse(line));
    } catch {
      event = null;
    }
    if (event === null || event.seq <= lastSeq) {
      warnings.push(
        torn
          ? `イベントログの最後の行(${index + 1} 行目)が途中で切れているため読み飛ばしました(書き込み中に止まった跡です)。`
          : `イベントログの ${index + 1} 行目を読めないため読み飛ばしました。`,
      );
      return;
    }
    lastSeq = event.seq;
    events.push(event);
  });
  return { events, warnings, endsClean: text === '' || text.endsWith('\n') };
}

/** Makes a rename or a new file itself durable, not only its bytes (POSIX; a no-op elsewhere). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a directory; its renames are durable enough for a classroom.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The append-only log: one writer, one event at a time, each written and
 * fsync'ed before `write` resolves, so whatever the room acknowledged survives
 * a crash. After a failed write the log refuses every later one, rather than
 * append after a torn line.
 */
export class EventLog {
  #handle: FileHandle;
  #nextSeq: number;
  #now: () => number;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: Error | null = null;
  #closed = false;

  private constructor(handle: FileHandle, nextSeq: number, now: () => number) {
    this.#handle = handle;
    this.#nextSeq = nextSeq;
    this.#now = now;
  }

  /** Opens `path` for appending after `lastSeq`; a torn last line is closed off with a newline first. */
  static async open(
    path: string,
    options: { lastSeq: number; endsClean: boolean; now: () => number },
  ): Promise<EventLog> {
    const handle = await open(path, 'a', 0o600);
    try {
      if (!options.endsClean) {
        await handle.appendFile('\n');
        await handle.datasync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new EventLog(handle, options.lastSeq + 1, options.now);
  }

  /**
   * Runs `task` after every earlier task has finished: a check made inside it
   * (room full, hand already raised) sees every earlier append.
   */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes one event and fsyncs it. Call it inside `serial`. */
  async write(body: RoomEventBody): Promise<RoomEvent> {
    if (this.#closed) throw new Error('event log is closed');
    if (this.#failure) throw this.#failure;
    const event = { seq: this.#nextSeq, at: new Date(this.#now()).toISOString(), ...body };
    try {
      await this.#handle.appendFile(`${JSON.stringify(event)}\n`);
      await this.#handle.datasync();
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
      throw this.#failure;
    }
    this.#nextSeq += 1;
    return event as RoomEvent;
  }

  append(body: RoomEventBody): Promise<RoomEvent> {
    return this.serial(() => this.write(body));
  }

  /** Waits for the writes already queued, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.serial(async () => {
      this.#closed = true;
    });
    await this.#handle.close();
  }
}

import type { ChildProcess } from 'node:child_process';

/** A command that ended: its exit code and everything it printed. */
export interface Run {
  code: number | null;
  output: string;
}

/** Waits for a laptop's command to end, with everything it printed. */
export function finished(child: ChildProcess): Promise<Run> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Waits until a long-running command prints `text`; returns what it printed so far. */
export function printed(child: ChildProcess, text: string, timeoutMs = 60_000): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${output}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('close', () => reject(new Error(`exited before "${text}":\n${output}`)));
  });
}

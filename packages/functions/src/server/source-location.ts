import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative, sep } from 'node:path';
import { FUNCTIONS_OUT_DIR } from './routes.js';

/** `src/functions/hello-voice.ts:5:3`: where a learner looks, relative to the step folder. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/**
 * Finds the first stack frame in the step's built Functions (`dist/functions/*.js`,
 * the JavaScript the runtime runs) and maps it back to the TypeScript the
 * learner wrote, through a source map made on demand from that file. Without a
 * TypeScript file beside it (or a map entry), the JavaScript line is given.
 */
export async function locateInStep(stepDir: string, stack: string): Promise<SourceLocation | null> {
  const outDir = join(stepDir, FUNCTIONS_OUT_DIR) + sep;
  for (const match of stack.matchAll(/(?:\(|at |file:\/\/)([^()\s]+\.js):(\d+):(\d+)/g)) {
    const [, jsFile = '', line = '0', column = '0'] = match;
    const path = jsFile.replace(/^file:\/\//, '');
    if (!path.startsWith(outDir)) continue;
    const js = { file: relative(stepDir, path), line: Number(line), column: Number(column) };
    const tsFile = join(stepDir, 'src/functions', relative(outDir, path).replace(/\.js$/, '.ts'));
    return (await mapToSource(stepDir, tsFile, js)) ?? js;
  }
  return null;
}

async function mapToSource(
  stepDir: string,
  tsFile: string,
  js: SourceLocation,
): Promise<SourceLocation | null> {
  if (!existsSync(tsFile)) return null;
  // The compiler loads only when an error is shown: every step server (tests, dev) would pay for it.
  const { emitSourceMap } = await import('../build/compile-functions.js');
  const mapText = emitSourceMap({ fileName: tsFile, text: readFileSync(tsFile, 'utf8') });
  if (!mapText) return null;
  const entry = new SourceMap(JSON.parse(mapText)).findEntry(js.line - 1, js.column - 1) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return null;
  return {
    file: relative(stepDir, tsFile),
    line: entry.originalLine + 1,
    column: entry.originalColumn + 1,
  };
}

import {
  type CommandIo,
  parseCommandLine,
  runCommandInProcess,
  type Usage,
  usageError,
} from '@kit/shared/cli';

/** The sections, in the order a full run measures them (run.ts has one runner for each). */
export const SECTION_NAMES = [
  'bundle',
  'token endpoint',
  'minting',
  'signaling',
  'browser',
  'docs',
  'learner',
  'room',
  'room calls',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

// `pnpm --filter @kit/bench bench -- signaling docs` runs only those sections.
const sectionNames: readonly string[] = SECTION_NAMES;
const USAGE: Usage = {
  japanese: `使い方: pnpm --filter @kit/bench bench [-- 計測項目...]
  計測項目を指定すると、その項目だけを計測します(${sectionNames.join('、')})。
  BENCH_QUICK=1 を付けると、件数を減らした試運転(約 1 分)になります。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm --filter @kit/bench bench [-- section...]
  Runs only the named sections (${sectionNames.join(', ')}); BENCH_QUICK=1 makes a smoke run
  of about a minute with smaller counts.`,
};
/**
 * `pnpm bench`: the command line, then the sections (run.ts, loaded only
 * now). The bin (main.ts) calls this with the process's arguments, streams and
 * environment; the tests call it in-process with their own.
 */
export function benchMain(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    const { positionals: only } = parseCommandLine({
      usage: USAGE,
      options: {},
      positionals: Number.POSITIVE_INFINITY,
      args: argv,
    });
    const unknown = only.filter((name) => !sectionNames.includes(name));
    if (unknown.length > 0) {
      usageError(
        `知らない計測項目です: ${unknown.join('、')}`,
        `unknown section(s) ${unknown.join(', ')}`,
        USAGE,
      );
    }
    const { runSections } = await import('./run.js');
    return runSections(SECTION_NAMES, only, io);
  });
}

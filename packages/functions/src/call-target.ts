import type { RunningKit } from '@kit/shared/kits';

/**
 * Which running kit `pnpm call:signed` sends to, when neither `--port` nor
 * PORT says: the kits that answer now (@kit/shared/kits) and the path asked for.
 *
 * One kit that serves the path is the one the learner means, even beside kits
 * of other steps (a step-02 kit has no /call: sending there could only 404).
 * Several kits that serve it: none is picked. A signed request sent to the
 * wrong one answers from code the learner is not looking at (the finished
 * step-04 instead of their workspace), and that answer looks right; naming the
 * kits and asking for `--port` costs one more word, a wrong answer costs minutes.
 */
export type CallTarget =
  | { kind: 'one'; kit: RunningKit }
  | { kind: 'none' }
  | { kind: 'several'; kits: RunningKit[] }
  | { kind: 'no-path'; kits: RunningKit[] };

export function chooseKit(kits: readonly RunningKit[], path: string): CallTarget {
  if (kits.length === 0) return { kind: 'none' };
  // A kit that does not say what it serves (started before /kit/server.json) may serve it.
  const serving = kits.filter(
    (kit) => kit.info === null || kit.info.functions.some((fn) => fn.path === path),
  );
  const [only] = serving;
  if (serving.length === 1 && only) return { kind: 'one', kit: only };
  if (serving.length === 0) return { kind: 'no-path', kits: [...kits] };
  return { kind: 'several', kits: serving };
}

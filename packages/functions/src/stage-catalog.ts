import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { functionFileName, STEPS } from '@kit/shared';
import { compareStages, parseStages, type Stage } from './stages.js';
import { referenceStepDir } from './steps-dir.js';

/** Every stage the pages teach, read from the stage markers of the finished Functions. */
export interface StageCatalog {
  /** `3-4` → `identity の検査` */
  titles: Record<string, string>;
  /** Step number → its stage ids, in the page's order. */
  byStep: Record<number, string[]>;
}

let reading: Promise<StageCatalog> | null = null;

/**
 * The catalog, read once per process: the finished Functions do not change while
 * the kit runs, and a check reads it twice (its hints' titles, the room's report).
 */
export function readStageCatalog(): Promise<StageCatalog> {
  reading ??= readCatalog();
  return reading;
}

async function readCatalog(): Promise<StageCatalog> {
  const stages = new Map<string, Stage>();
  for (const step of STEPS) {
    for (const fn of step.functions) {
      const file = join(referenceStepDir(step), 'src/functions', functionFileName(fn));
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const stage of parseStages(text).stages) {
        const known = stages.get(stage.id);
        if (!known || known.title === '') stages.set(stage.id, stage);
      }
    }
  }
  const ordered = [...stages.values()].sort(compareStages);
  const titles: Record<string, string> = {};
  const byStep: Record<number, string[]> = {};
  for (const stage of ordered) {
    titles[stage.id] = stage.title;
    byStep[stage.step] = [...(byStep[stage.step] ?? []), stage.id];
  }
  return { titles, byStep };
}

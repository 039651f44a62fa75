import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitFunction } from '@kit/functions/compile';
import {
  addedLines,
  parseStages,
  type Stage,
  type StagedFile,
  stagesOfStep,
  viewAt,
} from '@kit/functions/stages';
import { functionFileName, type Step, type StepFunction } from '@kit/shared';
import { diffArrays } from 'diff';

/**
 * The stages of a step page: each Function of the step, built up block by block
 * the way the original hands-on shows it, from the stage markers in the file
 * (`// [3-2] VoiceGrant: …`, see @kit/functions/stages). Each stage is shown
 * twice, side by side: the TypeScript the attendee writes in the workspace and
 * the JavaScript they paste in the Console, with what the stage adds highlighted.
 */

export const TS_LABEL = 'TypeScript(作業フォルダー)';
export const JS_LABEL = 'JavaScript(Console)';

export interface FunctionSource {
  fn: StepFunction;
  /** `voice-token.ts` */
  fileName: string;
  /** Absolute path of the step's source, inside its `src/functions/` (its ambient types apply). */
  path: string;
  text: string;
  staged: StagedFile;
}

export interface StageBlock {
  step: Step;
  source: FunctionSource;
  stage: Stage;
  /** Heading text, without the `####`: `3-2 Voice グラント`. */
  heading: string;
  /** Relative to docs/.generated: `stages/step-03/voice-token/3-2.md`. */
  partial: string;
  /** The file as it stands at this stage (blank lines tidied), and the 1-based lines the stage adds. */
  ts: string;
  tsLines: number[];
  /** The TypeScript compiler's emit of `ts`, and the lines new against the previous stage's emit. */
  js: string;
  jsLines: number[];
}

/** The step's Function files, in catalog order. */
export function functionSources(stepsDir: string, step: Step): FunctionSource[] {
  return step.functions.map((fn) => {
    const fileName = functionFileName(fn);
    const path = join(stepsDir, step.tag, 'src/functions', fileName);
    const text = readFileSync(path, 'utf8');
    return { fn, fileName, path, text, staged: parseStages(text) };
  });
}

/** The stage before `stage` on its page (index 0: the file before the page's first stage). */
export function previousStage(stage: Stage): { step: number; index: number } {
  return { step: stage.step, index: stage.index - 1 };
}

/** `.generated`-relative path of a stage's partial. */
export function stagePartialPath(step: Step, fileName: string, stage: Stage): string {
  return `stages/${step.tag}/${fileName.replace(/\.ts$/, '')}/${stage.id}.md`;
}

/**
 * The title the marker gives, kept to a heading's length: the words before `: `
 * (see parseStages), and of a marker with no `: ` its first sentence.
 */
export function stageHeading(stage: Stage): string {
  const title = stage.title.split('。')[0]?.trim() ?? '';
  return title === '' ? stage.id : `${stage.id} ${title}`;
}

/**
 * A stage's view without the gaps that the later stages' blocks leave: no blank
 * line at the start or end, after an opening `{ ( [` or before a closing one,
 * none doubled. `lines` (1-based, in `text`) follow the lines they pointed at.
 */
export function tidyView(
  text: string,
  lines: readonly number[],
): { text: string; lines: number[] } {
  const source = text.split('\n');
  const kept: { text: string; number: number }[] = [];
  const nextNonBlank = (from: number) => source.slice(from).find((line) => line.trim() !== '');
  source.forEach((line, index) => {
    if (line.trim() === '') {
      const previous = kept.at(-1)?.text;
      const next = nextNonBlank(index + 1);
      if (previous === undefined || previous.trim() === '' || /[{([]$/.test(previous.trim()))
        return;
      if (next === undefined || /^[})\]]/.test(next.trim())) return;
    }
    kept.push({ text: line, number: index + 1 });
  });
  const renumbered = new Map(kept.map((line, index) => [line.number, index + 1]));
  return {
    text: kept.map((line) => line.text).join('\n'),
    lines: lines.flatMap((number) => renumbered.get(number) ?? []),
  };
}

/** 1-based lines of `after` that a line diff from `before` adds (blank lines are never marked). */
export function newLines(before: string, after: string): number[] {
  const added: number[] = [];
  let line = 0;
  for (const part of diffArrays(before.split('\n'), after.split('\n'))) {
    if (part.removed) continue;
    for (const text of part.value) {
      line += 1;
      if (part.added && text.trim() !== '') added.push(line);
    }
  }
  return added;
}

/** The JavaScript the Console gets for a view, as dist/ has it (problems are fatal: the page would lie). */
export function emitView(source: FunctionSource, view: string): string {
  const { js, problems } = emitFunction({ fileName: source.path, text: view });
  if (problems.length > 0) {
    const list = problems.map((problem) => `${problem.line}: ${problem.message}`).join('\n');
    throw new Error(`${source.path}: the stage's JavaScript does not emit:\n${list}`);
  }
  return js.replace(/\n+$/, '');
}

/** Every stage block of a step page, in page order (catalog order of the Functions, then stage order). */
export function stageBlocks(stepsDir: string, step: Step): StageBlock[] {
  return functionSources(stepsDir, step).flatMap((source) =>
    stagesOfStep(source.staged, step.number).map((stage): StageBlock => {
      const ts = tidyView(viewAt(source.staged, stage), addedLines(source.staged, stage));
      const js = emitView(source, ts.text);
      const before = emitView(source, viewAt(source.staged, previousStage(stage)));
      return {
        step,
        source,
        stage,
        heading: stageHeading(stage),
        partial: stagePartialPath(step, source.fileName, stage),
        ts: ts.text,
        tsLines: ts.lines,
        js,
        jsLines: newLines(before, js),
      };
    }),
  );
}

/** `[3, 4, 5, 8]` → `3-5,8` (VitePress's line highlight syntax). */
export function lineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let index = 0; index < sorted.length; ) {
    const from = sorted[index] as number;
    let to = from;
    while (sorted[index + 1] === to + 1) {
      to++;
      index++;
    }
    index++;
    ranges.push(from === to ? `${from}` : `${from}-${to}`);
  }
  return ranges.join(',');
}

function fence(lang: string, lines: readonly number[], label: string, body: string): string {
  const highlight = lines.length > 0 ? `{${lineRanges(lines)}}` : '';
  // Four backticks: a source file may itself contain three.
  return `\`\`\`\`${lang}${highlight} [${label}]\n${body}\n\`\`\`\`\n`;
}

/** Heading text is Markdown (and Vue): keep `<Dial>` or `{{` in a title as text. */
function escapeHeading(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('{{', '&#123;&#123;');
}

/** The partial a page includes for one stage: a heading, then the TypeScript and JavaScript tabs. */
export function stageMarkdown(block: StageBlock): string {
  return [
    `#### ${escapeHeading(block.heading)}`,
    '',
    '::: code-group',
    '',
    fence('ts', block.tsLines, TS_LABEL, block.ts),
    fence('js', block.jsLines, JS_LABEL, block.js),
    ':::',
    '',
  ].join('\n');
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitFunction } from '@kit/functions/compile';
import { parseStages, type Stage, type StagedFile, stagesOfStep } from '@kit/functions/stages';
import { functionFileName, STEPS, type Step, type StepFunction } from '@kit/shared';
import { diffArrays } from 'diff';

/**
 * The stages of a step page: each Function of the step, built up block by block
 * the way the original hands-on shows it, from the code the learner already has
 * (the previous step's file, or an empty Function) to the step's finished file,
 * in the order of the stage markers (`// [3-2] VoiceGrant: …`, see
 * @kit/functions/stages). Each stage is shown twice, side by side: the JavaScript
 * the learner types in the Console and the TypeScript of a clone's workspace,
 * with what the stage adds highlighted and what it takes away marked as removed
 * (`// [!code --]`), so that typing the block over the previous one gives the
 * stage's code.
 */

export const TS_LABEL = 'TypeScript(clone した作業フォルダー)';
export const JS_LABEL = 'JavaScript(Console)';

/**
 * Functions that a step starts from another Function's code (a new path, or a
 * Function rewritten): the file it starts from, and what the page tells the
 * learner to do first. A Function of the previous step with the same file name
 * carries on from that file; any other starts as a new, empty Function.
 */
export const STARTS_FROM: Readonly<Record<string, { from: string; note: string }>> = {
  'step-03/voice-token.ts': {
    from: 'step-02/token.ts',
    note: '新しい Function `/voice-token` を作り、最初から入っているコードを消して、手順2の `/token` のコードを貼り付けてから始めます。`/token` は残しておきます。',
  },
  'step-05/token.ts': {
    from: 'step-04/voice-token.ts',
    note: '手順2で作った `/token` を開き、中身をすべて手順4の `/voice-token` のコードに置き換えてから始めます。新しい Function は作りません。',
  },
};

/**
 * Where the automatic choice of the stage that removes a line is wrong: the run of
 * removed lines that holds a line starting with the text, and the stage (its index
 * on the page) that removes it. The stage views type-check (docs/test/stages.test.ts),
 * so a wrong choice that leaves a name undefined fails there.
 */
export const REMOVED_AT: Readonly<Record<string, Readonly<Record<string, number>>>> = {};

/** Said once, above the first stage of a Function that starts empty. */
export const NEW_FUNCTION_NOTE =
  '新しい空の Function から始めます。Console では「Add +」→「Add Function」でパスを決めて作り、最初から入っているコードはすべて消してから書きます。';

/** Said above the first stage of a Function whose finished file has the stages' lines out of their order. */
export const ORDER_NOTE =
  '段階の番号は、書き足す順です。完成したファイルの中では、あとの段階の行が前の段階の行より上に入るところがあります。各ブロックは、その段階までのコード全体なので、ブロックのとおりに書けば順番どおりになります。';

/** Whether the step's marked lines of a file run in the order of their stages. */
export function markersInOrder(source: FunctionSource, step: number): boolean {
  const order = source.staged.lines.flatMap((line) =>
    line.stage && line.stage.step === step ? [line.stage.index] : [],
  );
  return order.every((index, at) => at === 0 || (order[at - 1] ?? 0) <= index);
}

/** Said above a stage whose code never calls `callback`: deployed as it is, the request would hang. */
export const HANGS_NOTE =
  'この段階のコードはまだ `callback` を呼ばないので、このままデプロイして開いても応答が返らず、実行時間の上限(10 秒)で打ち切られます。';

export interface FunctionSource {
  fn: StepFunction;
  /** `voice-token.ts` */
  fileName: string;
  /** Absolute path of the step's source, inside its `src/functions/` (its ambient types apply). */
  path: string;
  text: string;
  staged: StagedFile;
  /** The code the learner has before the step's first stage, and what the page says to do first. */
  base: { text: string; note: string | null };
}

export interface StageBlock {
  step: Step;
  source: FunctionSource;
  stage: Stage;
  /** Heading text, without the `####`: `3-2 Voice グラント`. */
  heading: string;
  /** Relative to docs/.generated: `stages/step-03/voice-token/3-2.md`. */
  partial: string;
  /** The file as it stands at this stage (blank lines tidied). */
  view: string;
  /** The stage's block: the previous stage's code with the lines this stage adds (1-based `tsLines`, highlighted) and the lines it takes away (marked `// [!code --]`). */
  ts: string;
  tsLines: number[];
  /** The same for the TypeScript compiler's emit, as the Console gets it. */
  js: string;
  jsLines: number[];
  /** The previous stage's code (the base, for the first stage), tidied. */
  before: string;
  /** Lines said above the block: how the Function starts, or that it would hang. */
  notes: string[];
}

/** The step's Function files, in catalog order. */
export function functionSources(stepsDir: string, step: Step): FunctionSource[] {
  return step.functions.map((fn) => {
    const fileName = functionFileName(fn);
    const path = join(stepsDir, step.tag, 'src/functions', fileName);
    const text = readFileSync(path, 'utf8');
    return {
      fn,
      fileName,
      path,
      text,
      staged: parseStages(text),
      base: baseOf(stepsDir, step, fileName),
    };
  });
}

const stepTag = (number: number) => `step-${String(number).padStart(2, '0')}`;

/** What a step's Function starts from (see STARTS_FROM): the code, and the note for the page. */
export function baseOf(stepsDir: string, step: Step, fileName: string): FunctionSource['base'] {
  const read = (tagAndFile: string) =>
    readFileSync(join(stepsDir, tagAndFile.replace('/', '/src/functions/')), 'utf8');
  const startsFrom = STARTS_FROM[`${step.tag}/${fileName}`];
  if (startsFrom) return { text: read(startsFrom.from), note: startsFrom.note };
  const previous = STEPS.find((candidate) => candidate.number === step.number - 1);
  const carried = previous?.functions.some((fn) => functionFileName(fn) === fileName);
  if (previous && carried) return { text: read(`${previous.tag}/${fileName}`), note: null };
  return { text: '', note: NEW_FUNCTION_NOTE };
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

/** One line of the way from the base to the finished file, and the stage that adds or removes it. */
export interface StageLine {
  text: string;
  kind: 'kept' | 'added' | 'removed';
  /** The stage's index on the page (`2` for 3-2); 0 for kept lines. */
  stage: number;
}

/**
 * The base and the finished file, line by line, each added line at the stage its
 * marker names (unmarked, or marked by an earlier step: the step's first stage),
 * each removed line at the first stage that adds a line in its place (or, in a
 * change that only removes, the next stage that adds a line after it).
 */
export function stageLines(source: FunctionSource, step: number): StageLine[] {
  const stages = stagesOfStep(source.staged, step);
  const first = stages[0]?.index ?? 1;
  const stageOf = (index: number) => {
    const marked = source.staged.lines[index]?.stage;
    return marked && marked.step === step ? marked.index : first;
  };
  const base = source.base.text === '' ? [] : source.base.text.replace(/\n+$/, '').split('\n');
  const final = source.text.replace(/\n+$/, '').split('\n');
  const lines: StageLine[] = [];
  let at = 0;
  for (const part of diffArrays(base, final)) {
    for (const text of part.value) {
      if (part.removed) lines.push({ text, kind: 'removed', stage: 0 });
      else {
        lines.push({
          text,
          kind: part.added ? 'added' : 'kept',
          stage: part.added ? stageOf(at) : 0,
        });
        at += 1;
      }
    }
  }
  // Removed lines: the earliest stage among the added lines of the same change, else the next added line's.
  for (let index = 0; index < lines.length; ) {
    if (lines[index]?.kind === 'kept') {
      index += 1;
      continue;
    }
    let end = index;
    while (end < lines.length && lines[end]?.kind !== 'kept') end += 1;
    const change = lines.slice(index, end);
    const added = change.filter((line) => line.kind === 'added').map((line) => line.stage);
    const later = lines.slice(end).find((line) => line.kind === 'added')?.stage;
    const stage = added.length > 0 ? Math.min(...added) : (later ?? first);
    for (const line of change) if (line.kind === 'removed') line.stage = stage;
    index = end;
  }
  // Overrides, per run of removed lines.
  const overrides = Object.entries(REMOVED_AT[`${stepTag(step)}/${source.fileName}`] ?? {});
  for (let index = 0; index < lines.length; ) {
    if (lines[index]?.kind !== 'removed') {
      index += 1;
      continue;
    }
    let end = index;
    while (end < lines.length && lines[end]?.kind === 'removed') end += 1;
    const run = lines.slice(index, end);
    const override = overrides.find(([start]) =>
      run.some((line) => line.text.trim().startsWith(start)),
    );
    if (override) for (const line of run) line.stage = override[1];
    index = end;
  }
  return lines;
}

/** The code at stage index `stage` of the step (0: the base), blank lines tidied, empty objects folded. */
export function viewAtStage(lines: readonly StageLine[], stage: number): string {
  const text = lines
    .filter(
      (line) =>
        line.kind === 'kept' ||
        (line.kind === 'added' && line.stage <= stage) ||
        (line.kind === 'removed' && line.stage > stage),
    )
    .map((line) => line.text)
    .join('\n');
  return foldEmptyObjects(tidyView(text, []).text);
}

/**
 * `twiml.dial({` + `});` → `twiml.dial();`: an options object whose lines all come
 * in a later stage is not shown as an empty placeholder.
 */
export function foldEmptyObjects(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const previous = out.at(-1);
    const closing = /^\s*\}\)(.*)$/.exec(line);
    if (previous !== undefined && closing && /\(\{$/.test(previous.trimEnd())) {
      out[out.length - 1] = `${previous.trimEnd().slice(0, -1)})${closing[1]}`;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/**
 * `before` → `after` as one block: `after`'s lines, with the lines it adds listed in
 * `lines` (1-based, to highlight) and `before`'s lines it drops kept in place with
 * `// [!code --]` (VitePress shows them struck out and leaves them out of a copy).
 */
export function diffBlock(before: string, after: string): { text: string; lines: number[] } {
  const out: string[] = [];
  const added: number[] = [];
  const split = (text: string) => (text === '' ? [] : text.split('\n'));
  for (const part of diffArrays(split(before), split(after))) {
    for (const text of part.value) {
      if (part.removed) {
        if (text.trim() !== '') out.push(`${text} ${REMOVED}`);
        continue;
      }
      out.push(text);
      if (part.added && text.trim() !== '') added.push(out.length);
    }
  }
  return { text: out.join('\n'), lines: added };
}

/** VitePress's notation for a removed line (Shiki's transformerNotationDiff). */
export const REMOVED = '// [!code --]';

/** The JavaScript the Console gets for a view, as dist/ has it (problems are fatal: the page would lie). */
export function emitView(source: FunctionSource, view: string): string {
  if (view.trim() === '') return '';
  const { js, problems } = emitFunction({ fileName: source.path, text: view });
  if (problems.length > 0) {
    const list = problems.map((problem) => `${problem.line}: ${problem.message}`).join('\n');
    throw new Error(`${source.path}: the stage's JavaScript does not emit:\n${list}`);
  }
  return js.replace(/\n+$/, '');
}

/** Every stage block of a step page, in page order (catalog order of the Functions, then stage order). */
export function stageBlocks(stepsDir: string, step: Step): StageBlock[] {
  return functionSources(stepsDir, step).flatMap((source) => {
    const lines = stageLines(source, step.number);
    const stages = stagesOfStep(source.staged, step.number);
    return stages.map((stage, position): StageBlock => {
      const previous = position === 0 ? null : stages[position - 1];
      const before = previous
        ? viewAtStage(lines, previous.index)
        : source.base.text.replace(/\n+$/, '');
      const view = viewAtStage(lines, stage.index);
      const ts = diffBlock(before, view);
      const jsView = emitView(source, view);
      const js = diffBlock(emitView(source, before), jsView);
      const notes: string[] = [];
      if (position === 0 && source.base.note) notes.push(source.base.note);
      if (position === 0 && !markersInOrder(source, step.number)) notes.push(ORDER_NOTE);
      if (!/\bcallback\(/.test(jsView)) notes.push(HANGS_NOTE);
      return {
        step,
        source,
        stage,
        heading: stageHeading(stage),
        partial: stagePartialPath(step, source.fileName, stage),
        view,
        before,
        ts: ts.text,
        tsLines: ts.lines,
        js: js.text,
        jsLines: js.lines,
        notes,
      };
    });
  });
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
    ...block.notes.flatMap((note) => [note, '']),
    '::: code-group',
    '',
    fence('ts', block.tsLines, TS_LABEL, block.ts),
    fence('js', block.jsLines, JS_LABEL, block.js),
    ':::',
    '',
  ].join('\n');
}

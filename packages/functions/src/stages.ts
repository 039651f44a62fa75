/**
 * Stages of a taught Function: the docs build each Function up the way the
 * original hands-on does, block by block, from the real file. The file marks
 * what each stage adds with comments that stay in the JavaScript too, so the
 * attendee can find on the page the stage a line belongs to:
 *
 *   // [3-2] VoiceGrant: 発信は TwiML App へ …   a block: this line and the
 *   const voiceGrant = …                          lines after it, up to a blank
 *                                                 line, a line indented less, or
 *                                                 the next marker line
 *   ttl: ttl, // [3-5]                            one line (a trailing marker)
 *
 * `[S-N]` is stage N of step S's page; unmarked lines belong to every stage.
 * A stage's view is the file without the lines of later stages, so the last
 * stage of the file's own step is the file itself.
 */

export interface StageId {
  step: number;
  index: number;
}

export interface Stage extends StageId {
  /** `3-2` */
  id: string;
  /** From the stage's first block marker: the words before `: `, e.g. `VoiceGrant`. */
  title: string;
}

export interface StagedLine {
  text: string;
  /** null: not marked, in every stage. */
  stage: StageId | null;
}

export interface StagedFile {
  lines: StagedLine[];
  /** Every stage the file marks, in order. */
  stages: Stage[];
}

const BLOCK_MARKER = /^(\s*)\/\/ \[(\d+)-(\d+)\]\s*(.*)$/;
const LINE_MARKER = /\S.*\/\/ \[(\d+)-(\d+)\]\s*(.*)$/;

const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;
const stageKey = ({ step, index }: StageId) => `${step}-${index}`;

export function compareStages(a: StageId, b: StageId): number {
  return a.step - b.step || a.index - b.index;
}

export function parseStages(text: string): StagedFile {
  const titles = new Map<string, Stage>();
  const note = (step: number, index: number, words: string, fromBlock: boolean) => {
    const id = stageKey({ step, index });
    const known = titles.get(id);
    const title = words.split(/: /)[0]?.trim() ?? '';
    if (!known || (fromBlock && known.title === '')) titles.set(id, { id, step, index, title });
  };
  let block: { stage: StageId; indent: number } | null = null;
  const lines = text.split('\n').map((line): StagedLine => {
    const blockMatch = BLOCK_MARKER.exec(line);
    if (blockMatch) {
      const [, indent = '', step = '0', index = '0', words = ''] = blockMatch;
      const stage = { step: Number(step), index: Number(index) };
      note(stage.step, stage.index, words, true);
      block = { stage, indent: indent.length };
      return { text: line, stage };
    }
    if (line.trim() === '' || (block && indentOf(line) < block.indent)) block = null;
    const lineMatch = LINE_MARKER.exec(line);
    if (lineMatch) {
      const [, step = '0', index = '0', words = ''] = lineMatch;
      note(Number(step), Number(index), words, false);
      return { text: line, stage: { step: Number(step), index: Number(index) } };
    }
    return { text: line, stage: block ? (block as { stage: StageId }).stage : null };
  });
  const stages = [...titles.values()].sort(compareStages);
  return { lines, stages };
}

/** The file as it stands at `stage`: unmarked lines and lines of this or earlier stages. */
export function viewAt(file: StagedFile, stage: StageId): string {
  return file.lines
    .filter((line) => line.stage === null || compareStages(line.stage, stage) <= 0)
    .map((line) => line.text)
    .join('\n');
}

/** 1-based line numbers, in `viewAt(file, stage)`, of the lines `stage` adds. */
export function addedLines(file: StagedFile, stage: StageId): number[] {
  const added: number[] = [];
  let number = 0;
  for (const line of file.lines) {
    if (line.stage !== null && compareStages(line.stage, stage) > 0) continue;
    number += 1;
    if (line.stage !== null && compareStages(line.stage, stage) === 0) added.push(number);
  }
  return added;
}

/** The stages a step's page teaches for this file. */
export function stagesOfStep(file: StagedFile, step: number): Stage[] {
  return file.stages.filter((stage) => stage.step === step);
}

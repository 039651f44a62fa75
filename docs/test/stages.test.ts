import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkFunctionSources, emitFunction, type SourceProblem } from '@kit/functions/compile';
import { stagesOfStep, viewAt } from '@kit/functions/stages';
import { STEPS, type Step, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../scripts/lib/generated.js';
import { DOCS_DIR, GENERATED_DIR, STEPS_DIR } from '../scripts/lib/paths.js';
import {
  functionSources,
  JS_LABEL,
  lineRanges,
  newLines,
  stageBlocks,
  stageMarkdown,
  TS_LABEL,
  tidyView,
} from '../scripts/lib/stages.js';

const INCLUDE = /<!--\s*@include:\s*(.*?)\s*-->/g;
const pageOf = (step: Step) => join(DOCS_DIR, stepDocPath(step));
const includesOf = (page: string) =>
  [...readFileSync(page, 'utf8').matchAll(INCLUDE)].map((match) =>
    resolve(dirname(page), match[1] ?? ''),
  );
const format = (problems: readonly SourceProblem[]) =>
  problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`).join('\n');

/**
 * Every stage view of every step's Functions: each stage the file marks (of its
 * own step and of earlier steps it carries on), as a page shows it.
 */
const views = STEPS.flatMap((step) =>
  functionSources(STEPS_DIR, step).flatMap((source) => {
    return source.staged.stages.map((id) => {
      const name = `${step.tag} ${source.fileName} at ${id.step}-${id.index}`;
      // Beside the real file, so the step's ambient types apply; a name of its own per view.
      const path = join(
        dirname(source.path),
        `${basename(source.path, '.ts')}.stage-${id.step}-${id.index}.ts`,
      );
      return { name, step, source, path, text: viewAt(source.staged, id) };
    });
  }),
);

// One program per step (each file is a module of its own: moduleDetection force).
const problemsByPath = new Map<string, SourceProblem[]>();
for (const step of STEPS) {
  const stepViews = views.filter((view) => view.step === step);
  for (const problem of checkFunctionSources(
    stepViews.map((view) => ({ fileName: view.path, text: view.text })),
  )) {
    const key = resolve(problem.file);
    problemsByPath.set(key, [...(problemsByPath.get(key) ?? []), problem]);
  }
}

describe('stage views of the step Functions', () => {
  it('finds the Functions and their stages', () => {
    expect(views.length).toBeGreaterThan(STEPS.length * 2);
  });

  it.each(views.map((view) => [view.name, view] as const))(
    '%s type-checks and emits JavaScript',
    (_name, view) => {
      const problems = problemsByPath.get(resolve(view.path)) ?? [];
      expect(
        problems,
        `type problems in ${view.name}:\n${format(problems)}\n\n${view.text}`,
      ).toEqual([]);
      const emitted = emitFunction({ fileName: view.source.path, text: view.text });
      expect(format(emitted.problems), view.name).toBe('');
      expect(emitted.js).toMatch(/^exports\.handler = function \(context, event, callback\) \{$/m);
    },
  );
});

describe.each(STEPS.map((step) => [step.tag, step] as const))('stages of %s', (_tag, step) => {
  it("starts from a file that emits (the first stage's JavaScript is diffed against it)", () => {
    for (const source of functionSources(STEPS_DIR, step)) {
      const start = viewAt(source.staged, { step: step.number, index: 0 });
      const emitted = emitFunction({ fileName: source.path, text: start });
      expect(format(emitted.problems), source.fileName).toBe('');
    }
  });

  const sources = functionSources(STEPS_DIR, step);
  const blocks = stageBlocks(STEPS_DIR, step);

  it.each(sources.map((source) => [source.fileName, source] as const))(
    '%s: its last stage of the step is the file itself, in both tabs',
    (_file, source) => {
      const last = stagesOfStep(source.staged, step.number).at(-1);
      if (!last) return; // unchanged on this page: see below
      expect(viewAt(source.staged, last)).toBe(source.text);
      const block = blocks.filter((candidate) => candidate.source.path === source.path).at(-1);
      expect(block?.ts).toBe(source.text.replace(/\n+$/, ''));
      const dist = join(
        STEPS_DIR,
        step.tag,
        'dist/functions',
        source.fileName.replace(/\.ts$/, '.js'),
      );
      expect(existsSync(dist), `${dist} missing: pnpm --filter @kit/functions build`).toBe(true);
      expect(block?.js).toBe(readFileSync(dist, 'utf8').replace(/\n+$/, ''));
    },
  );

  it('teaches each Function in 1 to 6 stages, or leaves it as the previous step had it', () => {
    const previous = STEPS.find((candidate) => candidate.number === step.number - 1);
    for (const source of sources) {
      const count = stagesOfStep(source.staged, step.number).length;
      if (count > 0) {
        expect(count, source.fileName).toBeLessThanOrEqual(6);
        continue;
      }
      const before = previous
        ? functionSources(STEPS_DIR, previous).find((old) => old.fileName === source.fileName)
        : undefined;
      expect(before?.text, `${source.fileName} has no stage of step ${step.number}`).toBe(
        source.text,
      );
    }
  });

  it.runIf(step.number >= 2 && step.number <= 4)('has at least 3 stages on its page', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('carries on a Function of the previous step exactly as that step left it', () => {
    const previous = STEPS.find((candidate) => candidate.number === step.number - 1);
    if (!previous) return;
    const old = new Map(
      functionSources(STEPS_DIR, previous).map((source) => [source.fileName, source]),
    );
    for (const source of sources) {
      const before = old.get(source.fileName);
      if (!before) continue;
      const start = viewAt(source.staged, { step: step.number, index: 0 });
      expect(tidyView(start, []).text, source.fileName).toBe(before.text.replace(/\n+$/, ''));
    }
  });

  it('gives every stage its own number, a title, and lines to highlight in both tabs', () => {
    const ids = blocks.map((block) => block.stage.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const block of blocks) {
      expect(block.heading, block.partial).toMatch(new RegExp(`^${block.stage.id} \\S`));
      expect(block.tsLines.length, `${block.partial}: TypeScript lines`).toBeGreaterThan(0);
      expect(block.jsLines.length, `${block.partial}: JavaScript lines`).toBeGreaterThan(0);
      const ts = block.ts.split('\n');
      for (const line of block.tsLines) expect(ts[line - 1]?.trim(), block.partial).not.toBe('');
      const js = block.js.split('\n');
      for (const line of block.jsLines) expect(js[line - 1]?.trim(), block.partial).not.toBe('');
    }
  });

  it('includes every stage partial on its page, in order, each Function before its finished code', () => {
    const page = pageOf(step);
    const stagePrefix = join(GENERATED_DIR, 'stages', step.tag);
    const included = includesOf(page).filter((file) => file.startsWith(`${stagePrefix}/`));
    expect(included).toEqual(blocks.map((block) => join(GENERATED_DIR, block.partial)));
    const text = readFileSync(page, 'utf8');
    for (const source of sources) {
      const finished = text.indexOf(
        `<<< @/../packages/functions/steps/${step.tag}/src/functions/${source.fileName} [`,
      );
      expect(finished, `${source.fileName}: the finished file, whole`).toBeGreaterThan(0);
      for (const block of blocks.filter((candidate) => candidate.source === source)) {
        const at = text.indexOf(`<!--@include: ../.generated/${block.partial}-->`);
        expect(at, block.partial).toBeGreaterThan(0);
        expect(at, `${block.partial} comes before the finished file`).toBeLessThan(finished);
      }
    }
  });

  it.runIf(step.consoleAssets.length > 0)('lists the files to upload in the Console', () => {
    expect(includesOf(pageOf(step))).toContain(join(GENERATED_DIR, `assets/${step.tag}.md`));
  });
});

describe('page includes', () => {
  const generated = new Set(generatedFiles().map((file) => join(GENERATED_DIR, file.path)));
  const pages = [...STEPS.map(pageOf), join(DOCS_DIR, 'guide/runtime.md')];

  it.each(pages.map((page) => [page.slice(DOCS_DIR.length + 1), page] as const))(
    '%s includes only what the generator writes, or files that exist',
    (_page, page) => {
      for (const file of includesOf(page)) {
        if (file.startsWith(`${GENERATED_DIR}/`)) expect(generated, file).toContain(file);
        else expect(existsSync(file), file).toBe(true);
      }
    },
  );
});

describe('stage partials', () => {
  it('show a heading and a code group of the TypeScript and the JavaScript, lines highlighted', () => {
    const step = STEPS.find((candidate) => candidate.tag === 'step-03');
    const block = step && stageBlocks(STEPS_DIR, step).find((item) => item.stage.id === '3-2');
    if (!block) throw new Error('step 03 has no stage 3-2');
    const markdown = stageMarkdown(block);
    expect(markdown).toMatch(/^#### 3-2 Voice グラント\n\n::: code-group\n/);
    expect(markdown).toContain(`\`\`\`\`ts{${lineRanges(block.tsLines)}} [${TS_LABEL}]\n`);
    expect(markdown).toContain(`\`\`\`\`js{${lineRanges(block.jsLines)}} [${JS_LABEL}]\n`);
    expect(markdown.trimEnd().endsWith(':::')).toBe(true);
    const highlighted = block.jsLines.map((line) => block.js.split('\n')[line - 1]).join('\n');
    expect(highlighted).toContain('incomingAllow: true');
  });

  it('escape a title that Markdown or Vue would read as markup', () => {
    const step = STEPS[0];
    const block = step && stageBlocks(STEPS_DIR, step)[0];
    if (!block) throw new Error('no stage');
    expect(stageMarkdown({ ...block, heading: '9-9 <Dial> {{ x }}' })).toContain(
      '#### 9-9 &lt;Dial&gt; &#123;&#123; x }}',
    );
  });
});

describe('line diff of the JavaScript tab', () => {
  it('marks the lines a stage adds, not the ones that moved with it', () => {
    const before = ['a', '  b', '}', 'c'].join('\n');
    const after = ['a', '  x', '  b', '}', '  x', 'c'].join('\n');
    expect(newLines(before, after)).toEqual([2, 5]);
  });

  it('marks a changed line as new, and nothing when nothing changed', () => {
    expect(newLines('f({});', 'f({\n  a: 1,\n});')).toEqual([1, 2, 3]);
    expect(newLines('a\nb', 'a\nb')).toEqual([]);
    expect(newLines('', 'a\n\nb')).toEqual([1, 3]);
  });

  it('writes line ranges the way VitePress reads them', () => {
    expect(lineRanges([8, 3, 4, 5, 10, 11])).toBe('3-5,8,10-11');
    expect(lineRanges([1])).toBe('1');
  });
});

describe('tidied views', () => {
  it('drop the gaps later stages leave, and follow the highlighted lines', () => {
    const text = ['', 'f() {', '', '  a;', '', '', '  b;', '', '};', '', ''].join('\n');
    expect(tidyView(text, [4, 7])).toEqual({ text: 'f() {\n  a;\n\n  b;\n};', lines: [2, 4] });
  });

  it('leave a finished file as it is', () => {
    for (const step of STEPS) {
      for (const source of functionSources(STEPS_DIR, step)) {
        expect(tidyView(source.text, []).text, source.path).toBe(source.text.replace(/\n+$/, ''));
      }
    }
  });
});

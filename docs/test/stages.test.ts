import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkFunctionSources, emitFunction, type SourceProblem } from '@kit/functions/compile';
import { stagesOfStep } from '@kit/functions/stages';
import { STEPS, type Step, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../scripts/lib/generated.js';
import { DOCS_DIR, GENERATED_DIR, STEPS_DIR } from '../scripts/lib/paths.js';
import {
  diffBlock,
  emitView,
  foldEmptyObjects,
  functionSources,
  HANGS_NOTE,
  JS_LABEL,
  lineRanges,
  markersInOrder,
  NEW_FUNCTION_NOTE,
  ORDER_NOTE,
  REMOVED,
  STARTS_FROM,
  stageBlocks,
  stageLines,
  stageMarkdown,
  TS_LABEL,
  tidyView,
  viewAtStage,
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
 * Every stage view of every step's Functions as its page shows it: the code the
 * learner has before the step (index 0) and after each of the step's stages.
 */
const views = STEPS.flatMap((step) =>
  functionSources(STEPS_DIR, step).flatMap((source) => {
    const lines = stageLines(source, step.number);
    const indexes = [0, ...stagesOfStep(source.staged, step.number).map((stage) => stage.index)];
    if (indexes.length === 1 || source.base.text === '') indexes.shift();
    return indexes.map((index) => {
      const name = `${step.tag} ${source.fileName} at ${step.number}-${index}`;
      // Beside the real file, so the step's ambient types apply; a name of its own per view.
      const path = join(
        dirname(source.path),
        `${basename(source.path, '.ts')}.stage-${step.number}-${index}.ts`,
      );
      return { name, step, source, path, text: viewAtStage(lines, index) };
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
      if (source.base.text === '') continue;
      const emitted = emitFunction({ fileName: source.path, text: source.base.text });
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
      const block = blocks.filter((candidate) => candidate.source.path === source.path).at(-1);
      expect(block?.view).toBe(source.text.replace(/\n+$/, ''));
      const dist = join(
        STEPS_DIR,
        step.tag,
        'dist/functions',
        source.fileName.replace(/\.ts$/, '.js'),
      );
      expect(existsSync(dist), `${dist} missing: pnpm --filter @kit/functions build`).toBe(true);
      expect(emitView(source, block?.view ?? '')).toBe(
        readFileSync(dist, 'utf8').replace(/\n+$/, ''),
      );
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

  it('starts each Function from the previous step as it left it, or from the file STARTS_FROM names, or empty', () => {
    const previous = STEPS.find((candidate) => candidate.number === step.number - 1);
    const old = new Map(
      (previous ? functionSources(STEPS_DIR, previous) : []).map((source) => [
        `${previous?.tag}/${source.fileName}`,
        source,
      ]),
    );
    for (const source of sources) {
      const start = viewAtStage(stageLines(source, step.number), 0);
      const named = STARTS_FROM[`${step.tag}/${source.fileName}`]?.from;
      const file = named
        ? readFileSync(join(STEPS_DIR, named.replace('/', '/src/functions/')), 'utf8')
        : (old.get(`${previous?.tag}/${source.fileName}`)?.text ?? '');
      expect(start, source.fileName).toBe(foldEmptyObjects(tidyView(file, []).text));
    }
  });

  it('marks, in each block, the lines the stage adds and the lines it takes away', () => {
    for (const block of blocks) {
      for (const [tab, text, lines, before, after] of [
        ['ts', block.ts, block.tsLines, block.before, block.view],
        [
          'js',
          block.js,
          block.jsLines,
          emitView(block.source, block.before),
          emitView(block.source, block.view),
        ],
      ] as const) {
        const rows = text.split('\n');
        const removed = rows.flatMap((row, at) => (row.endsWith(` ${REMOVED}`) ? [at + 1] : []));
        const withoutRemoved = rows.filter((_row, at) => !removed.includes(at + 1));
        const withoutAdded = rows
          .filter((_row, at) => !lines.includes(at + 1))
          .map((row) => row.replace(` ${REMOVED}`, ''));
        const blank = (text: string) =>
          text
            .split('\n')
            .filter((row) => row.trim() !== '')
            .join('\n');
        // Typing the block over the previous stage gives this stage: nothing changes unmarked.
        expect(withoutRemoved.join('\n'), `${block.partial} ${tab}: the stage's code`).toBe(after);
        expect(blank(withoutAdded.join('\n')), `${block.partial} ${tab}: the previous code`).toBe(
          blank(before),
        );
        expect(
          lines.filter((line) => removed.includes(line)),
          block.partial,
        ).toEqual([]);
      }
    }
  });

  it('renders no empty placeholder object', () => {
    for (const block of blocks) {
      for (const code of [block.view, emitView(block.source, block.view)]) {
        expect(code, block.partial).not.toMatch(/[({]\s*\n\s*[})]/);
      }
    }
  });

  it('says, above its first stage, how each Function starts, and why its numbers run out of order', () => {
    for (const source of sources) {
      const first = blocks.find((block) => block.source.path === source.path);
      if (!first) continue;
      const named = STARTS_FROM[`${step.tag}/${source.fileName}`];
      if (source.base.text === '') expect(first.notes, first.partial).toContain(NEW_FUNCTION_NOTE);
      if (named) expect(first.notes, first.partial).toContain(named.note);
      expect(first.notes.includes(ORDER_NOTE), first.partial).toBe(
        !markersInOrder(source, step.number),
      );
      expect(stageMarkdown(first)).toContain(`${first.notes.join('\n\n')}\n\n::: code-group`);
    }
  });

  it('says that a stage would hang when its code never calls callback', () => {
    for (const block of blocks) {
      const calls = /\bcallback\(/.test(emitView(block.source, block.view));
      expect(block.notes.includes(HANGS_NOTE), block.partial).toBe(!calls);
    }
  });

  it('gives its stages distinct titles', () => {
    const titles = blocks.map((block) => block.heading.replace(/^\d+-\d+ /, ''));
    expect(new Set(titles).size, titles.join(' / ')).toBe(titles.length);
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

describe('stage blocks', () => {
  it('highlight the lines a stage adds, not the ones that moved with it', () => {
    const before = ['a', '  b', '}', 'c'].join('\n');
    const after = ['a', '  x', '  b', '}', '  x', 'c'].join('\n');
    expect(diffBlock(before, after)).toEqual({ text: after, lines: [2, 5] });
  });

  it('keep a removed line in place, marked for VitePress, and highlight its replacement', () => {
    expect(diffBlock('f();\ng();', 'f({ a: 1 });\ng();')).toEqual({
      text: `f(); ${REMOVED}\nf({ a: 1 });\ng();`,
      lines: [2],
    });
    expect(diffBlock('a\nb', 'a\nb')).toEqual({ text: 'a\nb', lines: [] });
    expect(diffBlock('', 'a\n\nb')).toEqual({ text: 'a\n\nb', lines: [1, 3] });
  });

  it('fold an options object whose lines all come later', () => {
    expect(foldEmptyObjects('  const dial = twiml.dial({\n  });\n  dial.client(to);')).toBe(
      '  const dial = twiml.dial();\n  dial.client(to);',
    );
    expect(foldEmptyObjects('x(\n  new G({\n  }),\n);')).toBe('x(\n  new G(),\n);');
    expect(foldEmptyObjects('f({\n  a: 1,\n});')).toBe('f({\n  a: 1,\n});');
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

/**
 * Identifiers (and header names) in a text: ASCII words, `x-workshop-passcode` included.
 * Japanese comments add none, so a word in one is caught only where it is ASCII.
 */
const identifiersOf = (text: string) =>
  new Set(text.match(/[A-Za-z_$][\w$]*(?:-[A-Za-z][\w$]*)*/g) ?? []);

/**
 * What step N teaches: the identifiers on the lines its markers mark, that no
 * earlier step's marked lines have and that step 1 does not use (step 1 is the
 * Functions idiom itself: `exports`, `function`, `type`, `callback`). Those must
 * not appear in any stage of an earlier step (as step 3's types once carried
 * step 4's passcode and origin).
 */
function taughtBy(step: Step): Set<string> {
  const idiom = identifiersOf(
    STEPS.filter((candidate) => candidate.number === 1)
      .flatMap((candidate) => functionSources(STEPS_DIR, candidate).map((source) => source.text))
      .join('\n'),
  );
  const marked = (candidate: Step) =>
    functionSources(STEPS_DIR, candidate).flatMap((source) =>
      source.staged.lines
        .filter((line) => line.stage?.step === candidate.number)
        .map((line) => line.text),
    );
  const earlier = identifiersOf(
    STEPS.filter((candidate) => candidate.number < step.number)
      .flatMap(marked)
      .join('\n'),
  );
  return new Set(
    [...identifiersOf(marked(step).join('\n'))].filter(
      (word) => !earlier.has(word) && !idiom.has(word),
    ),
  );
}

describe('no stage carries what a later step teaches', () => {
  it.each(STEPS.slice(0, -1).map((step) => [step.tag, step] as const))('%s', (_tag, step) => {
    const later = STEPS.filter((candidate) => candidate.number > step.number);
    const taughtLater = new Set(later.flatMap((candidate) => [...taughtBy(candidate)]));
    const leaks = stageBlocks(STEPS_DIR, step).flatMap((block) =>
      [...identifiersOf(block.view)]
        .filter((word) => taughtLater.has(word))
        .map((word) => `${block.partial}: ${word}`),
    );
    expect(leaks).toEqual([]);
  });

  it('finds what step 4 teaches: the passcode and CORS', () => {
    const step4 = STEPS.find((step) => step.number === 4);
    if (!step4) throw new Error('no step 4');
    const taught = taughtBy(step4);
    for (const word of ['passcode', 'x-workshop-passcode', 'origin', 'ALLOWED_ORIGINS']) {
      expect(taught, word).toContain(word);
    }
    expect(taught).not.toContain('identity');
  });
});

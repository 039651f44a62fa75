import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { stepDiffMarkdown } from '../scripts/lib/diff.js';
import { STEPS_DIR } from '../scripts/lib/paths.js';
import { callFlowSvg, PARTICIPANTS, ROWS } from '../scripts/lib/sequence.js';
import {
  consoleAssetsTableMarkdown,
  envTableMarkdown,
  functionsTableMarkdown,
  LOCAL_ONLY_ENV,
} from '../scripts/lib/tables.js';

const [step1, step2, step3, step4] = STEPS;

async function stepsDir(files: Record<string, Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'docs-diff-'));
  for (const [tag, contents] of Object.entries(files)) {
    for (const [path, text] of Object.entries(contents)) {
      await mkdir(join(dir, tag, 'src', path, '..'), { recursive: true });
      await writeFile(join(dir, tag, 'src', path), text);
    }
  }
  return dir;
}

describe('step diffs', () => {
  it('shows changed lines, new files in full and removed files by name, without region markers', async () => {
    if (!step1 || !step2) throw new Error('catalog too short');
    const dir = await stepsDir({
      'step-01': {
        'functions/a.ts': '// #region handler\nconst a = 1;\n// #endregion handler\n',
        'functions/gone.ts': 'x\n',
      },
      'step-02': {
        'functions/a.ts': '// #region handler\nconst a = 2;\n// #endregion handler\n',
        'lib/new.ts': 'export const b = 1;\n',
      },
    });
    const markdown = await stepDiffMarkdown(dir, step1, step2);
    expect(markdown).toContain('- 変更: `src/functions/a.ts`');
    expect(markdown).toContain('-const a = 1;\n+const a = 2;');
    expect(markdown).toContain('- 追加: `src/lib/new.ts`');
    expect(markdown).toContain('+export const b = 1;');
    expect(markdown).toContain('- 削除: `src/functions/gone.ts`');
    expect(markdown).not.toContain('#region');
  });

  it('says so when a step keeps the previous Functions', async () => {
    if (!step1) throw new Error('catalog too short');
    const dir = await stepsDir({
      'step-01': { 'functions/a.ts': 'same\n' },
      'step-02': { 'functions/a.ts': 'same\n' },
    });
    const markdown = await stepDiffMarkdown(dir, step1, { ...step1, number: 2, tag: 'step-02' });
    expect(markdown).toContain('Functions のソース(`src/`)は変わりません');
  });

  it('shows what step 04 adds to /voice-token, and that the phone joins the assets', async () => {
    if (!step3 || !step4) throw new Error('catalog too short');
    const markdown = await stepDiffMarkdown(STEPS_DIR, step3, step4);
    expect(markdown).toContain('- 変更: `src/functions/voice-token.ts`');
    expect(markdown).toContain("+  response.appendHeader('Cache-Control', 'no-store');");
    expect(markdown).not.toContain('call.protected.ts');
    expect(markdown).toContain('ブラウザ電話');
  });

  it('diffs the renamed token Function of step 03 against step 02', async () => {
    if (!step2 || !step3) throw new Error('catalog too short');
    const markdown = await stepDiffMarkdown(STEPS_DIR, step2, step3);
    expect(markdown).toContain('`src/functions/token.ts` → `src/functions/voice-token.ts`');
    expect(markdown).toContain('+    incomingAllow: true');
  });
});

describe('catalog tables', () => {
  it('describes every env var of a step, marking secrets', () => {
    if (!step3) throw new Error('catalog too short');
    const table = envTableMarkdown(step3);
    for (const variable of step3.env) expect(table).toContain(`\`${variable.name}\``);
    expect(table).toMatch(/\| `API_SECRET` \| 必須 \| 必須 \| 秘密 \|/);
    expect(functionsTableMarkdown(step3)).toContain('`src/functions/call.protected.ts`');
  });

  it('tells a Console learner not to set AUTH_TOKEN, which only the local server reads', () => {
    if (!step3) throw new Error('catalog too short');
    expect(envTableMarkdown(step3)).toContain('| 変数 | 手元(pnpm dev) | Console | 秘密 | 内容 |');
    const withAuthToken = STEPS.filter((step) =>
      step.env.some((variable) => variable.name === 'AUTH_TOKEN'),
    );
    expect(withAuthToken.map((step) => step.tag)).toContain('step-03');
    for (const step of STEPS) {
      const table = envTableMarkdown(step);
      if (withAuthToken.includes(step)) {
        expect(table).toMatch(/\| `AUTH_TOKEN` \| 必須 \| 設定しない \| 秘密 \|/);
      }
      for (const variable of step.env) {
        if (!LOCAL_ONLY_ENV.has(variable.name)) {
          expect(table).not.toMatch(
            new RegExp(`\\| \`${variable.name}\` \\| [^|]+ \\| 設定しない`),
          );
        }
      }
    }
  });

  it('lists as local-only only variables that no deployed Function reads', async () => {
    for (const step of STEPS) {
      const dir = join(STEPS_DIR, step.tag, 'src', 'functions');
      for (const file of await readdir(dir)) {
        const source = await readFile(join(dir, file), 'utf8');
        for (const name of LOCAL_ONLY_ENV)
          expect(source, `${step.tag}/${file}`).not.toContain(name);
      }
    }
  });
});

describe('Console assets table', () => {
  it('lists what a step asks the attendee to upload, from the catalog', () => {
    for (const step of STEPS) {
      const table = consoleAssetsTableMarkdown(step);
      for (const asset of step.consoleAssets) {
        expect(table).toContain(`| \`${asset.path}\` |`);
        expect(table).toContain(`\`packages/browser-phone/dist/${asset.file}\``);
        expect(table).toContain(asset.description);
      }
      if (step.consoleAssets.length === 0) expect(table).toContain('アセットはありません');
    }
    expect(STEPS.some((step) => step.consoleAssets.length > 0)).toBe(true);
  });

  it('reads a catalog without the field as nothing to upload', () => {
    if (!step1) throw new Error('catalog too short');
    const { consoleAssets: _, ...older } = step1;
    expect(consoleAssetsTableMarkdown(older as typeof step1)).toContain('アセットはありません');
  });
});

describe('call-flow diagram', () => {
  const svg = callFlowSvg();

  it('names every participant and numbered step', () => {
    for (const participant of PARTICIPANTS) expect(svg).toContain(participant.label[0]);
    expect(ROWS).toHaveLength(11);
    expect(svg).toContain('&lt;Dial&gt;&lt;Client&gt;bob');
  });

  it('is well-formed enough for an <img>: one root, no raw < inside text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const text of svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
      expect(text[1]).not.toMatch(/[<>]/);
    }
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});

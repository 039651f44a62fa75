import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { repositoryUrl, webUrlOf } from '../.vitepress/site-env.js';
import { cloneMarkdown } from '../scripts/lib/clone.js';
import { stepDiffMarkdown } from '../scripts/lib/diff.js';
import { japaneseLines } from '../scripts/lib/learner-check.js';
import { STEPS_DIR } from '../scripts/lib/paths.js';
import { callFlowSvg, PARTICIPANTS, ROWS } from '../scripts/lib/sequence.js';
import {
  consoleAssetsTableMarkdown,
  envTableMarkdown,
  formatSize,
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
    expect(envTableMarkdown(step3)).toContain(
      '| 変数 | 手元(clone して pnpm dev) | Console | 秘密 | 内容 |',
    );
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
  const downloads = { base: '/kit-docs/', sizeOf: () => 215_082 };

  it('lists what a step asks the attendee to upload, from the catalog, as downloads of the site', () => {
    for (const step of STEPS) {
      const table = consoleAssetsTableMarkdown(step, downloads);
      for (const asset of step.consoleAssets) {
        expect(table).toContain(`| \`${asset.path}\` |`);
        expect(table).toContain(
          `<a href="/kit-docs/downloads/${step.tag}/${asset.file}" download="${asset.file}">`,
        );
        expect(table).toContain('(210 kB)');
        expect(table).toContain(asset.description);
        // The clone's path is there too, inside a block that says it needs the clone.
        const clone = table.indexOf('::: details リポジトリを clone した場合');
        expect(clone).toBeGreaterThan(0);
        expect(table.indexOf(`\`packages/browser-phone/dist/${asset.file}\``)).toBeGreaterThan(
          clone,
        );
      }
      if (step.consoleAssets.length === 0) expect(table).toContain('アセットはありません');
    }
    expect(STEPS.some((step) => step.consoleAssets.length > 0)).toBe(true);
  });

  it('reads a catalog without the field as nothing to upload', () => {
    if (!step1) throw new Error('catalog too short');
    const { consoleAssets: _, ...older } = step1;
    expect(consoleAssetsTableMarkdown(older as typeof step1, downloads)).toContain(
      'アセットはありません',
    );
  });

  it('gives sizes in kB, never 0', () => {
    expect(formatSize(215_082)).toBe('210 kB');
    expect(formatSize(10)).toBe('1 kB');
  });
});

describe('clone command', () => {
  it('clones the repository the build names', () => {
    const markdown = cloneMarkdown('https://github.com/example/kit');
    expect(markdown).toContain('```sh\ngit clone https://github.com/example/kit.git\ncd kit\n');
    expect(markdown).toContain('<https://github.com/example/kit>');
  });

  it('prints no placeholder when the build names no repository', () => {
    const markdown = cloneMarkdown(null);
    expect(markdown).not.toMatch(/<[^>]*URL[^>]*>|git clone </);
    expect(markdown).not.toContain('```');
  });
});

describe('repository URL', () => {
  const none = { env: {}, packageJson: {}, gitOrigin: () => null };

  it("prefers GitHub Actions' server URL and repository", () => {
    expect(
      repositoryUrl({
        ...none,
        env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r' },
        packageJson: { repository: 'https://example.com/x/y.git' },
      }),
    ).toBe('https://github.com/o/r');
  });

  it("reads package.json's repository, as a string or { url }, then the origin remote", () => {
    expect(repositoryUrl({ ...none, packageJson: { repository: 'github:o/r' } })).toBe(
      'https://github.com/o/r',
    );
    expect(
      repositoryUrl({
        ...none,
        packageJson: { repository: { url: 'git+https://github.com/o/r.git' } },
      }),
    ).toBe('https://github.com/o/r');
    expect(repositoryUrl({ ...none, gitOrigin: () => 'git@github.com:o/r.git' })).toBe(
      'https://github.com/o/r',
    );
    expect(repositoryUrl(none)).toBeNull();
  });

  it('turns clone URLs into web URLs', () => {
    expect(webUrlOf('https://token@github.com/o/r.git')).toBe('https://github.com/o/r');
    expect(webUrlOf('not a url')).toBeNull();
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

describe('step:check output on the page', () => {
  it('keeps the Japanese hints and leaves out the English test names and assertions', () => {
    const report = [
      '✗ 「3-3 応答」 /voice-token は JSON で返してください。',
      '  - step-03 on the real runtime answers GET and POST token requests as JSON',
      '    AssertionError: expected 404 to be 200 // Object.is equality',
      '  (「3-2」は docs/steps/03-call-endpoint.md の段階の番号です)',
    ].join('\n');
    expect(japaneseLines(report)).toBe(
      [
        '✗ 「3-3 応答」 /voice-token は JSON で返してください。',
        '  (「3-2」は docs/steps/03-call-endpoint.md の段階の番号です)',
      ].join('\n'),
    );
  });
});

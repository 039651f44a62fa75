import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { learnerLoop } from './support/learner-loop.js';

/**
 * Mistakes a learner could make, each seeded into the reference: step:check
 * must fail with the hint (and stage) that names it. A file of its own, so it
 * runs beside learner.test.ts.
 */
const loop = learnerLoop();
const { step } = loop;

/** A mistake a learner could make, seeded into the reference, and the hint that must name it. */
const seededMistakes = [
  {
    step: 2,
    name: 'a token for someone other than "user"',
    file: 'src/functions/token.ts',
    seed: (code: string) => code.replace("const identity = 'user';", "const identity = 'guest';"),
    hint: 'identity を "user" にし',
  },
  {
    step: 3,
    name: 'incomingAllow left false',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) => code.replace('incomingAllow: true', 'incomingAllow: false'),
    hint: '「3-2 Voice グラント」 Voice グラントに incomingAllow: true',
  },
  {
    step: 3,
    name: 'the identity not validated',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) =>
      code.replace(
        "typeof identity !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(identity)",
        "typeof identity !== 'string'",
      ),
    hint: '「3-4 identity の検査」',
  },
  {
    step: 4,
    name: '/call made public',
    file: 'src/functions/call.protected.ts',
    rename: 'src/functions/call.ts',
    seed: (code: string) => code,
    hint: 'call.protected.ts にしてください',
  },
  {
    step: 1,
    name: 'no guest for a missing name',
    file: 'src/functions/hello-json.ts',
    seed: (code: string) =>
      code.replace(
        "typeof event.name === 'string' && event.name !== '' ? event.name : 'ゲスト'",
        'String(event.name)',
      ),
    hint: 'name を「ゲスト」にしてください',
    stage: '1-3',
  },
  {
    step: 3,
    name: 'Access-Control-Allow-Origin: * as in the original blog',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) =>
      code.replace(
        "response.appendHeader('Content-Type', 'application/json');",
        "response.appendHeader('Content-Type', 'application/json');\n  response.appendHeader('Access-Control-Allow-Origin', '*');",
      ),
    hint: '* は使わない',
  },
  {
    step: 3,
    name: 'a <Dial> without callerId',
    file: 'src/functions/call.protected.ts',
    seed: (code: string) => code.replace(/^\s*callerId: .*\n/m, ''),
    hint: 'callerId("client:" と発信者の identity)と answerOnBridge: true を渡してください',
    stage: '3-8',
  },
  {
    step: 4,
    name: 'Cache-Control: no-store on the token only, not on errors',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) =>
      code
        .replace(/^\s*response\.appendHeader\('Cache-Control', 'no-store'\);.*\n/m, '')
        .replace(
          /^(\s*)callback\(null, response\);\n\};/m,
          "$1response.appendHeader('Cache-Control', 'no-store');\n$1callback(null, response);\n};",
        ),
    hint: 'エラーを含むすべての応答に Cache-Control: no-store を付けてください',
    stage: '4-3',
  },
] as const;

type Mistake = (typeof seededMistakes)[number];

/**
 * The mistakes of one step are seeded together into one folder and checked once
 * (each step:check is a build and a child Vitest): every seed changes its own
 * lines, and each mistake still has its own test and hint.
 */
const byStep = new Map<number, Mistake[]>();
for (const mistake of seededMistakes) {
  byStep.set(mistake.step, [...(byStep.get(mistake.step) ?? []), mistake]);
}

describe.each([...byStep].map(([stepNumber, mistakes]) => ({ stepNumber, mistakes })))(
  'step:check on step $stepNumber with its seeded mistakes',
  { timeout: 180_000 },
  ({ stepNumber, mistakes }) => {
    let result: { code: number; output: string };
    beforeAll(async () => {
      await step('solution', String(stepNumber));
      for (const mistake of mistakes) {
        const original = join(loop.dir(), mistake.file);
        const code = await readFile(original, 'utf8');
        const seeded = mistake.seed(code);
        expect(
          seeded === code && !('rename' in mistake),
          `the seed must change something: ${mistake.name}`,
        ).toBe(false);
        if ('rename' in mistake) await rm(original);
        await writeFile(
          join(loop.dir(), 'rename' in mistake ? mistake.rename : mistake.file),
          seeded,
        );
      }
      result = await step('check', String(stepNumber));
    }, 180_000);

    it('fails', () => {
      expect(result.code).toBe(1);
    });

    it.each(mistakes)('names $name with its hint', (mistake) => {
      expect(result.output).toContain(mistake.hint);
      // The stage the hint names is the one whose code the seed changed.
      if ('stage' in mistake) expect(result.output).toContain(`「${mistake.stage} `);
    });
  },
);

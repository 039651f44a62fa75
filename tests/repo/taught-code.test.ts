import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitFunction } from '@kit/functions/compile';
import { functionFileName, STEPS } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { importsOf, NODE_BUILTINS } from './imports.js';
import { STEPS_DIR } from './paths.js';

/**
 * The taught code is for attendees first: one self-contained file per Function,
 * in the runtime's idiom, whose JavaScript is the TypeScript compiler's output,
 * about the size of the original hands-on's (token 28 lines, /call 15) plus the
 * lines that make it safe. These budgets count the emitted JS, comments included.
 */
const LINE_BUDGETS: Record<string, number> = {
  'step-01/hello-voice': 25,
  'step-01/hello-json': 25,
  'step-01/hello-response': 25,
  'step-02/token': 40,
  'step-03/voice-token': 70,
  'step-03/call.protected': 35,
  // Steps 3 and 4 keep step 2's comments on the lines they carry on (#21: stages only add or mark removals).
  'step-04/voice-token': 75,
  'step-04/call.protected': 35,
  // Step 5 keeps step 4's code and comments, so that its first stage only adds (#21).
  'step-05/token': 105,
};

/** What esbuild, webpack or tsc put in a file that is a module or a bundle, not a plain Function. */
const BUNDLER_HELPERS =
  /__toCommonJS|__export\(|__defProp|__commonJS|__esModule|__webpack_require__|require\("\.|require\('\./;

const functions = STEPS.flatMap((step) =>
  step.functions.map((fn) => {
    const file = functionFileName(fn);
    return { key: `${step.tag}/${file.replace(/\.ts$/, '')}`, step, file };
  }),
);

describe('taught Functions', () => {
  it('has a line budget for every Function of every step', () => {
    expect(functions.map(({ key }) => key).sort()).toEqual(Object.keys(LINE_BUDGETS).sort());
  });

  describe.each(functions.map((entry) => [entry.key, entry] as const))(
    '%s',
    (key, { step, file }) => {
      const sourcePath = join(STEPS_DIR, step.tag, 'src/functions', file);
      const source = readFileSync(sourcePath, 'utf8');
      const distPath = join(STEPS_DIR, step.tag, 'dist/functions', file.replace(/\.ts$/, '.js'));
      const js = readFileSync(distPath, 'utf8');

      it('imports nothing at run time but Node built-ins', () => {
        const runtimeImports = importsOf(source).filter(
          ({ specifier, typeOnly }) => !typeOnly && !NODE_BUILTINS.has(specifier),
        );
        expect(runtimeImports).toEqual([]);
        expect(source).not.toMatch(/^\s*export\s/m);
      });

      it('is deployed as the TypeScript compiler emits it: exports.handler, no bundler helpers', () => {
        expect(js).toBe(emitFunction({ fileName: sourcePath, text: source }).js);
        expect(js).toMatch(/^exports\.handler = function \(context, event, callback\) \{$/m);
        expect(js).not.toMatch(BUNDLER_HELPERS);
      });

      it(`stays within ${LINE_BUDGETS[key]} lines of JavaScript`, () => {
        const lines = js.trimEnd().split('\n').length;
        expect(lines).toBeLessThanOrEqual(LINE_BUDGETS[key] ?? 0);
      });
    },
  );

  it('recognises the imports and helpers it forbids', () => {
    expect(importsOf("import { x } from '@kit/shared';\nimport type { T } from 'y';")).toEqual([
      { specifier: '@kit/shared', typeOnly: false },
      { specifier: 'y', typeOnly: true },
    ]);
    expect(importsOf("const c = require('node:crypto');")).toEqual([
      { specifier: 'node:crypto', typeOnly: false },
    ]);
    expect('var __defProp = Object.defineProperty;').toMatch(BUNDLER_HELPERS);
    expect('Object.defineProperty(exports, "__esModule", { value: true });').toMatch(
      BUNDLER_HELPERS,
    );
  });
});

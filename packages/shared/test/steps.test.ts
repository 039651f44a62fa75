import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../src/env.js';
import {
  CONSOLE_ASSET_LIMIT,
  describeFileChanges,
  fileChangesFor,
  findStep,
  finishedPhoneStep,
  functionFileName,
  phonePagePath,
  STEPS,
  stepDocPath,
  stepTag,
} from '../src/steps.js';

describe('step catalog', () => {
  it('numbers steps 1..N in order with two-digit tags', () => {
    expect(STEPS.map((step) => step.number)).toEqual(STEPS.map((_, index) => index + 1));
    for (const step of STEPS) expect(step.tag).toBe(stepTag(step.number));
    expect(stepTag(3)).toBe('step-03');
  });

  it('has unique slugs made of lowercase words', () => {
    const slugs = STEPS.map((step) => step.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('describes every env var it names, once per step', () => {
    for (const step of STEPS) {
      const names = step.env.map((variable) => variable.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(ENV_VARS[name].name).toBe(name);
    }
  });

  it('keeps /call protected wherever it exists', () => {
    for (const step of STEPS) {
      for (const fn of step.functions.filter((candidate) => candidate.path === '/call')) {
        expect(fn.visibility).toBe('protected');
      }
    }
  });

  it('finds steps by number, padded number or tag, and nothing else', () => {
    expect(findStep(3)?.tag).toBe('step-03');
    expect(findStep('03')?.tag).toBe('step-03');
    expect(findStep('step-05')?.tag).toBe('step-05');
    expect(findStep('9')).toBeUndefined();
    expect(findStep('3; rm -rf /')).toBeUndefined();
    expect(findStep('')).toBeUndefined();
  });

  it('derives file names and doc paths', () => {
    expect(functionFileName({ path: '/call', visibility: 'protected' })).toBe('call.protected.ts');
    expect(functionFileName({ path: '/voice-token', visibility: 'public' }, 'js')).toBe(
      'voice-token.js',
    );
    const step = findStep(3);
    expect(step && stepDocPath(step)).toBe('steps/03-call-endpoint.md');
  });

  it('runs the finished phone in pnpm dev', () => {
    expect(finishedPhoneStep().servesPhone).toBe(true);
    expect(finishedPhoneStep().tag).toBe('step-04');
  });

  it('lists the Console uploads of the steps that serve the phone, and of no other', () => {
    for (const step of STEPS) {
      expect(step.consoleAssets.length > 0, step.tag).toBe(step.servesPhone);
      expect(phonePagePath(step) !== null, step.tag).toBe(step.servesPhone);
    }
    expect(phonePagePath(finishedPhoneStep())).toBe('/index.html');
  });

  it('asks for few, flat, public files that the Console can take by hand', () => {
    for (const step of STEPS) {
      const assets = step.consoleAssets;
      expect(assets.length).toBeLessThanOrEqual(CONSOLE_ASSET_LIMIT);
      expect(new Set(assets.map((asset) => asset.path)).size).toBe(assets.length);
      for (const asset of assets) {
        expect(asset.file).toMatch(/^[a-z0-9-]+\.[a-z0-9]+$/);
        expect(asset.path).toBe(`/${asset.file}`);
        expect(asset.visibility).toBe('public');
        expect(asset.description).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      }
    }
  });
});

describe('file changes per step (what step:start N prints and the pages say)', () => {
  const step = (stepNumber: number) => {
    const found = findStep(stepNumber);
    if (!found) throw new Error(`no step ${stepNumber}`);
    return found;
  };
  const changes = (stepNumber: number) => fileChangesFor(step(stepNumber));

  it('creates, renames and deletes the Functions as the step lists change', () => {
    expect(changes(1).map((change) => change.kind)).toEqual(['create', 'create', 'create']);
    expect(changes(2)).toEqual([
      { kind: 'create', file: 'src/functions/token.ts' },
      { kind: 'delete', file: 'src/functions/hello-voice.ts' },
      { kind: 'delete', file: 'src/functions/hello-json.ts' },
      { kind: 'delete', file: 'src/functions/hello-response.ts' },
    ]);
    expect(changes(3)).toEqual([
      { kind: 'rename', from: 'src/functions/token.ts', file: 'src/functions/voice-token.ts' },
      { kind: 'create', file: 'src/functions/call.protected.ts' },
    ]);
    expect(changes(4)).toEqual([{ kind: 'create', file: 'twiml-app.json' }]);
    expect(changes(5)).toEqual([
      { kind: 'rename', from: 'src/functions/voice-token.ts', file: 'src/functions/token.ts' },
      { kind: 'delete', file: 'src/functions/call.protected.ts' },
    ]);
  });

  it('renames a new Function only from a Function of the step before', () => {
    for (const current of STEPS) {
      const before = findStep(current.number - 1)?.functions ?? [];
      const grown = current.functions.filter(
        (fn) => fn.renamedFrom && !before.some((old) => old.path === fn.path),
      );
      for (const fn of grown) {
        expect(
          before.some((old) => old.path === fn.renamedFrom),
          `${current.tag} ${fn.path}`,
        ).toBe(true);
      }
    }
  });

  it('says each change in one Japanese line', () => {
    expect(describeFileChanges(step(3))).toEqual([
      '名前を変える: src/functions/token.ts → src/functions/voice-token.ts',
      '作る:       src/functions/call.protected.ts',
    ]);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionFileName, STEPS, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR, STEPS_DIR } from './paths.js';

/** The step catalog is the single source of truth: folders and pages must agree with it. */
describe('step catalog vs the repository', () => {
  it('has one step folder per catalog step, and no other', () => {
    const folders = readdirSync(STEPS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(STEPS.map((step) => step.tag));
  });

  describe.each(STEPS.map((step) => [step.tag, step] as const))('%s', (_tag, step) => {
    const dir = join(STEPS_DIR, step.tag);

    it('has exactly the catalog Functions, with visibility in their file names', () => {
      const files = readdirSync(join(dir, 'src/functions'), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith('.ts'))
        .sort();
      expect(files).toEqual(step.functions.map((fn) => functionFileName(fn)).sort());
    });

    it('is a deployable Twilio Serverless project named after its tag', () => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.name).toBe(step.tag);
      expect(pkg.dependencies).toEqual({ '@twilio/runtime-handler': '2.0.1', twilio: '4.23.0' });
      const specs = Object.values(pkg.dependencies as Record<string, string>).join(' ');
      expect(specs).not.toMatch(/workspace:|file:|link:/);
      expect(JSON.parse(readFileSync(join(dir, '.twilioserverlessrc'), 'utf8'))).toEqual({
        functionsFolder: 'dist/functions',
        assetsFolder: 'dist/assets',
      });
    });

    it('declares a TwiML App (twiml-app.json) exactly when the catalog says so', () => {
      expect(existsSync(join(dir, 'twiml-app.json'))).toBe(step.configuresTwimlApp);
    });

    it('documents exactly its env vars in .env.example, one comment each', () => {
      const lines = readFileSync(join(dir, '.env.example'), 'utf8').split('\n');
      const names = lines
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split('=')[0]);
      expect([...names].sort()).toEqual(step.env.map((variable) => variable.name).sort());
      for (const name of names) {
        const index = lines.findIndex((line) => line.startsWith(`${name}=`));
        expect(lines[index - 1], `comment above ${name}`).toMatch(/^# /);
      }
    });
  });

  it('has one docs page per step, and no other', () => {
    const pages = readdirSync(join(DOCS_DIR, 'steps'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => `steps/${file}`)
      .sort();
    expect(pages).toEqual(STEPS.map(stepDocPath).sort());
  });
});

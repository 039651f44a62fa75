import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_USED, subsetSpec } from '../scripts/vendor-twilio-oai.js';
import { loadOperations, SPEC_FILES, TWILIO_OAI_DIR } from './support/openapi.js';

const readSpec = (file: string) =>
  JSON.parse(readFileSync(join(TWILIO_OAI_DIR, file), 'utf8')) as Record<string, never>;

/** Every `case 'METHOD /template':` of the fake's router. */
function fakeRoutes(): string[] {
  const source = readFileSync(new URL('./support/fake-twilio.ts', import.meta.url), 'utf8');
  return [...source.matchAll(/case '(GET|POST|DELETE) (\/[^']+)'/g)].map(
    ([, method, template]) => `${method} ${template}`,
  );
}

describe('vendored Twilio OpenAPI subset', () => {
  it('ships the licence beside the specs', () => {
    expect(readFileSync(join(TWILIO_OAI_DIR, 'LICENSE'), 'utf8')).toMatch(
      /MIT License[\s\S]*Twilio/,
    );
  });

  it('holds exactly the operations the kit lists, with every schema they reference', () => {
    for (const file of SPEC_FILES) {
      const vendored = readSpec(file);
      const used = OPERATIONS_USED[file];
      expect(used, file).toBeDefined();
      // Cutting the vendored file again changes nothing: no operation missing, none extra, no dangling $ref.
      expect(subsetSpec(vendored, used ?? {})).toEqual(vendored);
    }
  });

  it('covers every route the fake Twilio serves', () => {
    const declared = new Set(
      loadOperations().map((operation) => `${operation.method} ${operation.template}`),
    );
    const routes = fakeRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((route) => !declared.has(route))).toEqual([]);
  });
});

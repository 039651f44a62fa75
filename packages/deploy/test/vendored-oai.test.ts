import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_USED, subsetSpec } from '../scripts/vendor-twilio-oai.js';
import { OPERATION_HANDLERS } from './support/fake-twilio.js';
import { loadOperations, SPEC_FILES, TWILIO_OAI_DIR } from './support/openapi.js';

const readSpec = (file: string) =>
  JSON.parse(readFileSync(join(TWILIO_OAI_DIR, file), 'utf8')) as Record<string, never>;

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

  it('matches the operations the fake Twilio serves, one handler per operationId', () => {
    const declared = new Set(loadOperations().map((operation) => operation.operationId));
    const served = new Set(Object.keys(OPERATION_HANDLERS));
    expect(served.size).toBeGreaterThan(20);
    // A handler for an operation that is not vendored would never be reached (and its spec never checked).
    expect([...served].filter((operationId) => !declared.has(operationId))).toEqual([]);
    // A vendored operation without a handler is a call the kit makes that the fake answers 501.
    expect([...declared].filter((operationId) => !served.has(operationId))).toEqual([]);
  });
});

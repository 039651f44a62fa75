import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LocalDevelopmentServer } from '@twilio/runtime-handler/dev';
import type { Context, ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { CALLBACK_TIMEOUT_MARK } from '../../src/learner/callback.js';
import { TWILIO_EXECUTION_LIMIT_MS } from '../../src/server/function-guard.js';
import { listRoutes } from '../../src/server/routes.js';

/**
 * Sets the globals a Function sees (`Twilio`, `Runtime`) exactly as the runtime
 * does, by constructing the real runtime without listening.
 */
export async function installRuntimeGlobals(stepDir: string): Promise<void> {
  const routes = await listRoutes(stepDir);
  new LocalDevelopmentServer(0, {
    baseDir: stepDir,
    env: {},
    port: 0,
    url: 'http://localhost:3000',
    routes,
    forkProcess: false,
    live: false,
    logs: false,
    detailedLogs: false,
    legacyMode: false,
    appName: 'unit-test',
    enableDebugLogs: false,
  });
}

/** A typed fake `context`: the step's variables plus what the runtime adds. */
export function fakeContext(env: Record<string, string>, path = '/'): Context {
  // Same order as the runtime's constructContext: the step's variables override the defaults.
  return {
    PATH: path,
    DOMAIN_NAME: 'localhost:3000',
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    ...env,
    getTwilioClient: () => {
      throw new Error('unit tests make no REST calls');
    },
  };
}

export interface Outcome {
  error: Parameters<ServerlessCallback>[0];
  payload: Parameters<ServerlessCallback>[1];
}

/** Any handler, whatever its env and event types. */
export type AnyHandler = (context: never, event: never, callback: ServerlessCallback) => unknown;

/**
 * Twilio's execution limit: a Function that has not called `callback` by then
 * is stopped (504, error 82002). The step server applies the same limit.
 */
export const EXECUTION_LIMIT_MS = TWILIO_EXECUTION_LIMIT_MS;

/**
 * Calls a handler and resolves with what it passed to `callback`; fails if it
 * calls back twice, or not within Twilio's 10 seconds (with the words
 * `step:check` recognises: CALLBACK_TIMEOUT_MARK and the file's name).
 */
export function invoke(handler: AnyHandler, context: Context, event: object): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let calls = 0;
    const timer = setTimeout(() => {
      const file = (handler as { [FILE]?: string })[FILE] ?? 'the Function';
      reject(
        new Error(
          `${CALLBACK_TIMEOUT_MARK}: ${file} did not call callback within ${EXECUTION_LIMIT_MS / 1000} s (Twilio answers 504)`,
        ),
      );
    }, EXECUTION_LIMIT_MS);
    const callback: ServerlessCallback = (error, payload) => {
      calls += 1;
      clearTimeout(timer);
      if (calls > 1) reject(new Error('callback called more than once'));
      else resolve({ error, payload });
    };
    const fullEvent = { request: { cookies: {}, headers: {} }, ...event };
    try {
      Promise.resolve(handler(context as never, fullEvent as never, callback)).catch((error) => {
        clearTimeout(timer);
        reject(error);
      });
    } catch (error) {
      clearTimeout(timer);
      reject(error);
    }
  });
}

/** The parts of a `Twilio.Response` a test reads. */
export interface ResponseParts {
  statusCode: number;
  headers: Record<string, unknown>;
  body: unknown;
}

export function responseParts(payload: unknown): ResponseParts {
  if (payload instanceof Twilio.Response) return payload as unknown as ResponseParts;
  throw new Error(`expected a Twilio.Response, got ${String(payload)}`);
}

/**
 * Loads a Function the way the runtime does: `require` of the built JavaScript
 * (`dist/functions/<name>.js`, what is deployed), freshly each time.
 */
export async function loadHandler(stepDir: string, file: string): Promise<AnyHandler> {
  const path = join(stepDir, 'dist/functions', file.replace(/\.ts$/, '.js'));
  delete require.cache[path];
  const module = require(path) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
  const handler = module.handler as AnyHandler & { [FILE]?: string };
  handler[FILE] = file;
  return handler;
}

const FILE = Symbol('file');

const require = createRequire(import.meta.url);

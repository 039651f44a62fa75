import { createRequire } from 'node:module';
import { errorBody } from '@kit/shared';
import type { RequestHandler, Response } from 'express';
import { formatLocation, locateInStep } from './source-location.js';

/**
 * Twilio stops a Function after 10 seconds and answers the caller 504 Gateway
 * Time-out, logging error 82002 ("Your Function timed out before responding …
 * Your Function must contain a callback"). Sources: Twilio's "Function Request
 * Flow" page (execution time limit) and the error page of 82002.
 */
export const TWILIO_EXECUTION_LIMIT_MS = 10_000;

export interface GuardedFunction {
  /** URL path, e.g. `/hello-voice`. */
  path: string;
  /** The built file the runtime requires (`dist/functions/hello-voice.js`). */
  filePath: string;
}

export interface FunctionGuardOptions {
  stepDir: string;
  limitMs: number;
  /** The Function served at a path, if any (assets and unknown paths are not guarded). */
  functionAt(path: string): GuardedFunction | undefined;
  /** Where `callback` is taught, e.g. `docs/steps/01-function.md の「1-2 callback」`. */
  callbackLesson?: string;
  log?: (line: string) => void;
}

/**
 * What the cloud does around a Function that the local runtime does not:
 * the 10-second limit (the runtime waits forever for a `callback` that never
 * comes) and a line in the terminal for an exception, at the learner's
 * `file:line` in their TypeScript rather than a stack through the runtime.
 */
export function guardFunctions(options: FunctionGuardOptions): RequestHandler {
  const { log, limitMs } = options;
  return (req, res, next) => {
    const fn = req.method === 'OPTIONS' ? undefined : options.functionAt(req.path);
    if (!fn) {
      next();
      return;
    }
    if (log) {
      reportThrownErrors(fn, (error, how) => {
        void describeError(options, fn, error, how).then(log);
      });
    }
    const started = Date.now();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const seconds = limitMs / 1000;
      res
        .status(504)
        .json(
          errorBody(
            'function_timeout',
            `${fn.path} は ${seconds} 秒以内に callback を呼びませんでした。Twilio と同じく 504 で打ち切りました。`,
          ),
        );
      ignoreLateReplies(res, () =>
        log?.(
          `ℹ ${fn.path}: 打ち切りの後(${((Date.now() - started) / 1000).toFixed(1)} 秒後)に callback が呼ばれました。Twilio ではこの応答は届きません。`,
        ),
      );
      log?.(
        [
          `✗ ${fn.path}: ${seconds} 秒たっても callback が呼ばれなかったため、Twilio と同じく 504 で打ち切りました(Twilio のログではエラー 82002)。`,
          `  Function の最後で、どの分岐でも callback(null, 応答) を呼んでください${options.callbackLesson ? `(${options.callbackLesson})` : ''}。`,
          `  ${fn.path} did not call callback within ${seconds} s: answered 504 function_timeout, as Twilio does`,
        ].join('\n'),
      );
    }, limitMs);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

type ThrowKind = 'throw' | 'reject' | 'callback';

async function describeError(
  options: FunctionGuardOptions,
  fn: GuardedFunction,
  error: unknown,
  how: ThrowKind,
): Promise<string> {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const location = await locateInStep(options.stepDir, stack);
  const where = location ? ` (${formatLocation(location)})` : '';
  const what =
    error instanceof Error ? `${error.name}: ${error.message}` : `${JSON.stringify(error)}`;
  const lead = {
    throw: '例外が発生しました',
    reject: 'async の Function で例外が発生しました',
    callback: 'callback にエラーが渡されました',
  }[how];
  return `✗ ${fn.path}: ${lead}。500 を返します${where}\n  ${what}`;
}

const require = createRequire(import.meta.url);
const GUARD = Symbol.for('kit.functionGuard');

interface GuardState {
  report: (error: unknown, how: ThrowKind) => void;
}

type Handler = ((context: unknown, event: unknown, callback: Callback) => unknown) & {
  [GUARD]?: GuardState;
};
type Callback = (error: unknown, payload?: unknown) => unknown;

/**
 * Wraps the module's `handler` where the runtime will find it (the shared
 * `require` cache), so an exception is reported, and a rejected promise from an
 * async handler becomes the 500 Twilio answers instead of an unhandled rejection
 * that would stop the kit's server.
 */
function reportThrownErrors(fn: GuardedFunction, report: GuardState['report']): void {
  let module: { handler?: Handler };
  try {
    module = require(fn.filePath) as { handler?: Handler };
  } catch {
    return; // The runtime loads it next and answers the load error itself.
  }
  const original = module.handler;
  if (typeof original !== 'function') return;
  const known = original[GUARD];
  if (known) {
    known.report = report;
    return;
  }
  const state: GuardState = { report };
  const guarded: Handler = function (this: unknown, context, event, callback) {
    let called = false;
    const once: Callback = (error, payload) => {
      if (called) return undefined;
      called = true;
      if (error !== null && error !== undefined) state.report(error, 'callback');
      return callback(error, payload);
    };
    let result: unknown;
    try {
      result = original.call(this, context, event, once);
    } catch (error) {
      state.report(error, 'throw');
      throw error; // The runtime answers it with its 500.
    }
    if (isPromise(result)) {
      result.then(undefined, (error: unknown) => {
        if (called) {
          state.report(error, 'reject');
          return;
        }
        called = true;
        state.report(error, 'reject');
        try {
          callback(error);
        } catch {
          // The response is already gone (the 10-second limit answered it).
        }
      });
    }
    return result;
  };
  guarded[GUARD] = state;
  module.handler = guarded;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * After the 504, the Function is still running (locally there is no container
 * to stop): its late `callback` must neither reach the caller nor throw
 * ERR_HTTP_HEADERS_SENT inside the learner's code and stop the server.
 */
function ignoreLateReplies(res: Response, onLateReply: () => void): void {
  let told = false;
  const ignore = () => {
    if (!told) {
      told = true;
      onLateReply();
    }
    return res;
  };
  res.setHeader = ignore as unknown as Response['setHeader'];
  res.writeHead = ignore as unknown as Response['writeHead'];
  res.write = (() => {
    ignore();
    return true;
  }) as unknown as Response['write'];
  res.end = ignore as unknown as Response['end'];
}

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import {
  EMULATOR_INFO_PATH,
  type EmulatorInfo,
  errorBody,
  isSignalingHost,
  KIT_SERVER_INFO_PATH,
  type KitServerInfo,
} from '@kit/shared';
import { LocalDevelopmentServer } from '@twilio/runtime-handler/dev';
import express, { type RequestHandler } from 'express';
import { answerBodyErrors } from './body-errors.js';
import {
  type GuardedFunction,
  guardFunctions,
  TWILIO_EXECUTION_LIMIT_MS,
} from './function-guard.js';
import { roomRoutes } from './room-routes.js';
import { FUNCTIONS_OUT_DIR, listRoutes, protectedPaths, type StepRoutes } from './routes.js';
import { requireTwilioSignature } from './signature.js';

export interface StepServerOptions {
  /** A built step folder (it holds `dist/functions` and `dist/assets`). */
  stepDir: string;
  /** What the Functions see as `context`: only the step's variables, like the cloud. */
  env: Record<string, string>;
  /** 0 picks a free port (tests); the dev launcher passes `PORT`. */
  port?: number;
  /** Receives one line per request (twilio-run's request log, and refused signatures); none when unset. */
  log?: (line: string) => void;
  /**
   * The local emulator's `host:port` (loopback only). When set, the server
   * answers `GET /kit/emulator.json` with it, so the phone signals to the
   * emulator; when unset that path is the runtime's 404, as on Twilio.
   */
  emulatorSignalingHost?: string;
  /**
   * Room mode (`pnpm dev --room`): the room's host name from the membership, the
   * one non-loopback host `emulatorSignalingHost` may name.
   */
  roomHostname?: string;
  /** Twilio's execution limit (10 s); a Function that has not called back by then gets 504. */
  executionLimitMs?: number;
  /** Where `callback` is taught, named in the terminal when a Function never calls it. */
  callbackLesson?: string;
  /**
   * What the launcher serves (step and whether it is the learner's folder).
   * When set, the server answers `GET /kit/server.json` with it and the routes
   * served now, so the doctor and `pnpm call:signed` know which kit they found;
   * when unset that path is the runtime's 404, as on Twilio.
   */
  about?: { step: string; workspace: boolean };
  /**
   * The attendee's room membership file (`.kit/room.json`, from `roomFilePath`).
   * When set, the server answers the kit's room routes (`GET /kit/room.json`,
   * `POST`/`DELETE /kit/room/hand`, `GET /kit/room/directory`) for the phone,
   * same origin only; when unset those paths are the runtime's 404, as on Twilio.
   */
  roomFile?: string;
}

export interface StepServer {
  url: string;
  port: number;
  /** The routes served now (they change when `reload()` finds new Functions). */
  readonly routes: StepRoutes;
  /**
   * Serves what `dist/` holds now: new, renamed and deleted Functions, and the
   * new code of each (the runtime's `require` cache is cleared for this step).
   */
  reload(): Promise<void>;
  /**
   * Holds requests until `work` settles (a rebuild), so the first request
   * after a save gets the new code rather than the old.
   */
  holdRequestsUntil(work: Promise<unknown>): void;
  /**
   * While set, Functions answer 503 `build_failed` with this text (the file
   * and line that do not build); assets, the phone's page among them, stay served.
   */
  setBuildProblem(problem: string | null): void;
  close(): Promise<void>;
}

/**
 * Serves a built step with the real Twilio Functions runtime
 * (`@twilio/runtime-handler`, the one twilio-run 5 uses), on an `http.Server`
 * we own so it can listen on port 0 and close cleanly.
 *
 * Runtime options, chosen on purpose: `forkProcess: false` and `live: false`.
 * twilio-run's defaults fork a process and clear `require.cache` per request,
 * which costs seconds per request (measured: 3.6 vs 302 requests/s); the
 * emulator's webhooks and the phone's token requests must not pay that.
 * The runtime sets the globals `Twilio` and `Runtime`: one step per process.
 */
export async function startStepServer(options: StepServerOptions): Promise<StepServer> {
  const { emulatorSignalingHost } = options;
  if (
    emulatorSignalingHost !== undefined &&
    !isSignalingHost(emulatorSignalingHost, options.roomHostname)
  ) {
    throw new Error(
      `emulatorSignalingHost must be a loopback host:port such as 127.0.0.1:3001, or the room's host, not ${JSON.stringify(emulatorSignalingHost)}`,
    );
  }
  // Loopback only, always: the instructor's room is the kit's one server on the network.
  const host = '127.0.0.1';
  // What is served now; replaced whole by reload(), so its parts always agree.
  let served = indexRoutes(await listRoutes(options.stepDir));
  const server = createServer();
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  const runtime = new LocalDevelopmentServer(port, {
    baseDir: options.stepDir,
    env: options.env,
    port,
    url,
    routes: served.routes,
    forkProcess: false,
    live: false,
    logs: options.log !== undefined,
    detailedLogs: false,
    legacyMode: false,
    appName: 'twilio-run',
    enableDebugLogs: false,
  });
  const { log } = options;
  if (log) runtime.on('request-log', (line: string) => log(line));

  const app = express();
  app.disable('x-powered-by');
  // Before the body parser: the room routes read (and cap) their own body.
  if (options.roomFile !== undefined) {
    app.use(roomRoutes(options.roomFile, port, { calls: options.roomHostname !== undefined }));
  }
  // Same parser settings as the runtime, so it finds the parsed body and reuses it.
  app.use(express.urlencoded({ extended: false, limit: '6mb' }));
  if (emulatorSignalingHost !== undefined) {
    app.get(EMULATOR_INFO_PATH, answerEmulatorInfo({ signalingHost: emulatorSignalingHost }));
  }
  const { about } = options;
  if (about !== undefined) {
    // Read at each request: live reload changes the routes.
    app.get(KIT_SERVER_INFO_PATH, (request, response, next) =>
      answerJson(serverInfo(about, served.routes))(request, response, next),
    );
  }
  let pending: Promise<unknown> | null = null;
  app.use((_request, _response, next) => {
    if (pending)
      pending.then(
        () => next(),
        () => next(),
      );
    else next();
  });
  let buildProblem: string | null = null;
  app.use((request, response, next) => {
    if (buildProblem === null || !served.functionsByPath.has(request.path)) {
      next();
      return;
    }
    response.status(503).json(errorBody('build_failed', buildProblem));
  });
  app.use(requireTwilioSignature(() => served.protectedSet, options.env.AUTH_TOKEN, log));
  app.use(
    guardFunctions({
      stepDir: options.stepDir,
      limitMs: options.executionLimitMs ?? TWILIO_EXECUTION_LIMIT_MS,
      functionAt: (path) => served.functionsByPath.get(path),
      ...(options.callbackLesson ? { callbackLesson: options.callbackLesson } : {}),
      ...(log ? { log } : {}),
    }),
  );
  app.use(runtime.getApp());
  app.use(answerBodyErrors);
  server.on('request', app);

  const builtDir = join(options.stepDir, FUNCTIONS_OUT_DIR, '..') + sep;
  return {
    url,
    port,
    get routes() {
      return served.routes;
    },
    async reload() {
      const fresh = await listRoutes(options.stepDir);
      for (const key of Object.keys(require.cache)) {
        if (key.startsWith(builtDir)) delete require.cache[key];
      }
      served = indexRoutes(fresh);
      runtime.update(fresh);
    },
    holdRequestsUntil(work) {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      pending = settled;
      void settled.then(() => {
        if (pending === settled) pending = null;
      });
    },
    setBuildProblem(problem) {
      buildProblem = problem;
    },
    close: () => closeServer(server),
  };
}

/** The routes with the lookups every request makes: protected paths and Functions by path. */
function indexRoutes(routes: StepRoutes) {
  return {
    routes,
    protectedSet: protectedPaths(routes),
    functionsByPath: new Map<string, GuardedFunction>(
      routes.functions.map((fn) => [fn.path, { path: fn.path, filePath: fn.filePath }]),
    ),
  };
}

/**
 * The kit's own route, in front of the Functions runtime: the taught Functions
 * know nothing of the emulator, so the phone asks the server that serves it.
 */
function answerEmulatorInfo(info: EmulatorInfo): RequestHandler {
  return answerJson(info);
}

function serverInfo(
  about: { step: string; workspace: boolean },
  routes: StepRoutes,
): KitServerInfo {
  return {
    kit: 'browser-phone-kit',
    ...about,
    functions: routes.functions.map((fn) => ({ path: fn.path, visibility: fn.access })),
  };
}

function answerJson(value: unknown): RequestHandler {
  const body = JSON.stringify(value);
  return (_request, response) => {
    response.set({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(body);
  };
}

const require = createRequire(import.meta.url);

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

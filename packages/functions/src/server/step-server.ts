import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EMULATOR_INFO_PATH,
  type EmulatorInfo,
  KIT_SERVER_INFO_PATH,
  type KitServerInfo,
  SIGNALING_HOST_PATTERN,
} from '@kit/shared';
import { LocalDevelopmentServer } from '@twilio/runtime-handler/dev';
import express, { type RequestHandler } from 'express';
import { answerBodyErrors } from './body-errors.js';
import { listRoutes, protectedPaths, type StepRoutes } from './routes.js';
import { requireTwilioSignature } from './signature.js';

export interface StepServerOptions {
  /** A built step folder (it holds `dist/functions` and `dist/assets`). */
  stepDir: string;
  /** What the Functions see as `context`: only the step's variables, like the cloud. */
  env: Record<string, string>;
  /** 0 picks a free port (tests); the dev launcher passes `PORT`. */
  port?: number;
  host?: string;
  /** Receives one line per request (twilio-run's request log, and refused signatures); none when unset. */
  log?: (line: string) => void;
  /**
   * The local emulator's `host:port` (loopback only). When set, the server
   * answers `GET /kit/emulator.json` with it, so the phone signals to the
   * emulator; when unset that path is the runtime's 404, as on Twilio.
   */
  emulatorSignalingHost?: string;
  /**
   * What the launcher serves (step and whether it is the learner's folder).
   * When set, the server answers `GET /kit/server.json` with it and the routes,
   * so the doctor and `pnpm call:signed` know which kit they found; when unset
   * that path is the runtime's 404, as on Twilio.
   */
  about?: { step: string; workspace: boolean };
}

export interface StepServer {
  url: string;
  port: number;
  routes: StepRoutes;
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
  if (emulatorSignalingHost !== undefined && !SIGNALING_HOST_PATTERN.test(emulatorSignalingHost)) {
    throw new Error(
      `emulatorSignalingHost must be a loopback host:port such as 127.0.0.1:3001, not ${JSON.stringify(emulatorSignalingHost)}`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const routes = await listRoutes(options.stepDir);
  const server = createServer();
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;

  const runtime = new LocalDevelopmentServer(port, {
    baseDir: options.stepDir,
    env: options.env,
    port,
    url,
    routes,
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
  // Same parser settings as the runtime, so it finds the parsed body and reuses it.
  app.use(express.urlencoded({ extended: false, limit: '6mb' }));
  if (emulatorSignalingHost !== undefined) {
    app.get(EMULATOR_INFO_PATH, answerEmulatorInfo({ signalingHost: emulatorSignalingHost }));
  }
  if (options.about !== undefined) {
    app.get(KIT_SERVER_INFO_PATH, answerJson(serverInfo(options.about, routes)));
  }
  app.use(requireTwilioSignature(protectedPaths(routes), options.env.AUTH_TOKEN, log));
  app.use(runtime.getApp());
  app.use(answerBodyErrors);
  server.on('request', app);

  return {
    url,
    port,
    routes,
    close: () => closeServer(server),
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

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

import { join, relative } from 'node:path';
import { buildStepFolder } from '@kit/functions/build';
import { StepBuildError } from '@kit/functions/build-step';
import type { StepServer } from '@kit/functions/server';
import type { Step } from '@kit/shared';
import { watch } from 'chokidar';
import { type VoiceUrlSetting, voiceUrlSetting } from './voice-url.js';

export interface LiveReloadOptions {
  step: Step;
  stepDir: string;
  server: StepServer;
  /**
   * Where a changed Voice URL goes: the local emulator's App, or the room link
   * (which signs for it); null for a step without /call.
   */
  setVoiceUrl: ((url: string) => void) | null;
  /** How the emulator reaches the step server (`http://127.0.0.1:PORT`). */
  serverBase: string;
  log: (line: string) => void;
  /** Quiet time after the last change before rebuilding (an editor's save is several events). */
  settleMs?: number;
  /** The Voice URL the emulator was started with (so only a change is announced). */
  voiceUrl?: VoiceUrlSetting;
}

export interface LiveReload {
  /** Resolves once the watcher has read the folder (changes after this are seen). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Like twilio-run's own `start`, the kit serves the code as it is now: a save
 * under `src/` or of `twiml-app.json` rebuilds the folder, and the next request
 * gets the new code. Requests that arrive between the save and the end of the
 * rebuild wait for it rather than get the old code. A build error is printed at
 * the learner's `file:line`, and the Functions answer 503 naming it until the
 * folder builds again; the phone's page (an asset) stays served.
 */
export function watchStepFolder(options: LiveReloadOptions): LiveReload {
  const { server, stepDir } = options;
  const settleMs = options.settleMs ?? 60;
  const watcher = watch([join(stepDir, 'src'), join(stepDir, 'twiml-app.json')], {
    ignoreInitial: true,
    // An editor writes a file in pieces: wait until its size stops changing.
    awaitWriteFinish: { stabilityThreshold: 30, pollInterval: 10 },
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  const changed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let release: (() => void) | null = null;
  let running: Promise<void> = Promise.resolve();
  const state = { voiceUrl: options.voiceUrl ?? null };

  const onChange = (path: string) => {
    changed.add(relative(stepDir, path));
    if (!release) {
      // Hold requests from the first event on, so none is served the old code.
      server.holdRequestsUntil(new Promise<void>((resolve) => (release = resolve)));
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const files = [...changed].sort();
      changed.clear();
      const done = release;
      release = null;
      running = running.then(() => rebuild(options, files, state)).finally(() => done?.());
    }, settleMs);
  };
  watcher.on('all', (_event, path) => onChange(path));

  return {
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      release?.();
      await watcher.close();
      await running;
    },
  };
}

async function rebuild(
  options: LiveReloadOptions,
  files: readonly string[],
  state: { voiceUrl: VoiceUrlSetting | null },
): Promise<void> {
  const { server, log, step, stepDir } = options;
  const started = performance.now();
  try {
    await buildStepFolder(step, stepDir, { typeCheck: false });
  } catch (error) {
    const message = error instanceof StepBuildError ? error.message : String(error);
    server.setBuildProblem(`${message.replace(/\n/g, ' ')} 直して保存すると、すぐに反映されます。`);
    log(
      `✗ ${files.join(', ')} の変更をビルドできません。直して保存してください:\n  ${message.split('\n').join('\n  ')}`,
    );
    return;
  }
  server.setBuildProblem(null);
  await server.reload();
  const ms = Math.round(performance.now() - started);
  log(`↻ ${files.join(', ')} の変更を反映しました(${ms} ms)`);
  if (options.setVoiceUrl) {
    const setting = await voiceUrlSetting(stepDir, server, options.serverBase);
    if (setting.url !== null && setting.url !== state.voiceUrl?.url) {
      options.setVoiceUrl(setting.url);
    }
    if (setting.warning && setting.warning !== state.voiceUrl?.warning) log(`⚠ ${setting.warning}`);
    state.voiceUrl = { url: setting.url ?? state.voiceUrl?.url ?? null, warning: setting.warning };
  }
}

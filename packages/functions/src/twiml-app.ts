import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { routeOfFile } from './function-files.js';

/**
 * What the learner sets in the Console's TwiML App form in step 04, written
 * down in the step folder (`twiml-app.json`): the Voice Request URL (a path of
 * this service) and its method. The launcher's emulator and `deploy:step` use it.
 */
export interface TwimlAppConfig {
  /** A path of this Functions service, e.g. `/call`. */
  voiceUrl: `/${string}`;
  /** POST only: the kit's emulator and signature checks follow Twilio's form-encoded POST. */
  voiceMethod: 'POST';
}

export const TWIML_APP_FILE = 'twiml-app.json';

export type TwimlAppRead = { ok: true; config: TwimlAppConfig } | { ok: false; problem: string };

/** Reads and checks a step folder's `twiml-app.json`; `null` when the step has none. */
export async function readTwimlApp(stepDir: string): Promise<TwimlAppRead | null> {
  let text: string;
  try {
    text = await readFile(join(stepDir, TWIML_APP_FILE), 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: `${TWIML_APP_FILE} が JSON として読めません。` };
  }
  const { voiceUrl, voiceMethod } = (value ?? {}) as Record<string, unknown>;
  if (typeof voiceUrl !== 'string' || !/^\/[A-Za-z0-9_\-./]*$/.test(voiceUrl)) {
    return {
      ok: false,
      problem: `${TWIML_APP_FILE} の voiceUrl には /call のような Function のパスを書いてください。`,
    };
  }
  if (voiceMethod !== 'POST') {
    return { ok: false, problem: `${TWIML_APP_FILE} の voiceMethod は POST にしてください。` };
  }
  return { ok: true, config: { voiceUrl: voiceUrl as `/${string}`, voiceMethod } };
}

/** A Function as the learner's folder serves it: its file and the URL path it answers. */
export interface ServedFunction {
  file: string;
  path: string;
}

/**
 * The Function a Voice URL names by its file name (`/call.protected` for
 * `call.protected.ts`, whose route is `/call`): visibility belongs to the file
 * name, never to the URL.
 */
export function functionNamedBy<Served extends ServedFunction>(
  voiceUrl: string,
  served: readonly Served[],
): Served | undefined {
  const route = routeOfFile(`${voiceUrl.slice(1)}.ts`)?.path;
  return route === voiceUrl ? undefined : served.find((fn) => fn.path === route);
}

/**
 * Why a Voice URL reaches no Function of the folder, quoting the value and the
 * path to write (`/call.protected` → `/call`); null when a Function answers it.
 */
export function voiceUrlProblem(
  voiceUrl: string,
  served: readonly ServedFunction[],
): string | null {
  if (served.some((fn) => fn.path === voiceUrl)) return null;
  const sameName = functionNamedBy(voiceUrl, served);
  const suggestion = sameName ?? served.find((fn) => fn.file.includes('.protected.'));
  return suggestion
    ? `${TWIML_APP_FILE} の voiceUrl "${voiceUrl}" に答える Function がありません。"${suggestion.path}" にしてください(${suggestion.file} のパスは ${suggestion.path} です。.protected はファイル名だけに付け、URL には付けません)。`
    : `${TWIML_APP_FILE} の voiceUrl "${voiceUrl}" に答える Function がありません。/call のように、作業フォルダーの Function のパスを書いてください。`;
}

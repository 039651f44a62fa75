import {
  type ApiError,
  ENV_VARS,
  findMissingEnv,
  missingEnvError,
  readAllowedOrigins,
  readSignalingHost,
  readTokenTtl,
  type Step,
} from '@kit/shared';

/**
 * Only the step's own variables, as the cloud would give them (unset ones left
 * out). Local-only ones (the emulator's address) are never picked from a file
 * or the environment: the launcher adds them itself, so no deploy carries them.
 */
export function pickStepEnv(
  step: Step,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const { name } of step.env) {
    if (ENV_VARS[name].localOnly) continue;
    const value = source[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

/** Problems that stop a step from starting: missing required variables, bad TTL or origins. */
export function checkStepEnv(step: Step, env: Readonly<Record<string, string>>): ApiError[] {
  const problems: ApiError[] = [];
  const missing = findMissingEnv(
    env,
    step.env.filter((variable) => variable.required).map((variable) => variable.name),
  );
  if (missing.length > 0) problems.push(missingEnvError(missing));
  const names = new Set(step.env.map((variable) => variable.name));
  if (names.has('TOKEN_TTL_SECONDS')) {
    const ttl = readTokenTtl(env.TOKEN_TTL_SECONDS);
    if (!ttl.ok) problems.push(ttl.error);
  }
  if (names.has('ALLOWED_ORIGINS')) {
    const origins = readAllowedOrigins(env.ALLOWED_ORIGINS);
    if (!origins.ok) problems.push(origins.error);
  }
  if (names.has('EMULATOR_SIGNALING_HOST')) {
    const host = readSignalingHost(env.EMULATOR_SIGNALING_HOST);
    if (!host.ok) problems.push(host.error);
  }
  return problems;
}

/** Whether the step needs credentials that a local `.env` would provide. */
export function needsCredentials(step: Step): boolean {
  return step.env.some((variable) => variable.required);
}

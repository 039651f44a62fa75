import {
  type ApiError,
  findMissingEnv,
  missingEnvError,
  readAllowedOrigins,
  readTokenTtl,
  type Step,
} from '@kit/shared';

/**
 * Only the step's own variables, as the cloud would give them (unset ones left
 * out). The emulator's address is not among them: the Functions know nothing
 * of the emulator; the kit's server tells the phone (see `startStepServer`).
 */
export function pickStepEnv(
  step: Step,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const { name } of step.env) {
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
  return problems;
}

/** Whether the step needs credentials that a local `.env` would provide. */
export function needsCredentials(step: Step): boolean {
  return step.env.some((variable) => variable.required);
}

import { fsHelpers } from '@twilio-labs/serverless-api';

const { getListOfFunctionsAndAssets } = fsHelpers;

/** Where a step's build lives, relative to the step folder (see `.twilioserverlessrc`). */
export const FUNCTIONS_OUT_DIR = 'dist/functions';
export const ASSETS_OUT_DIR = 'dist/assets';

export type StepRoutes = Awaited<ReturnType<typeof getListOfFunctionsAndAssets>>;

/** Lists a built step's Functions and assets exactly as twilio-run and the deploy API see them. */
export function listRoutes(stepDir: string): Promise<StepRoutes> {
  return getListOfFunctionsAndAssets(stepDir, {
    functionsFolderNames: [FUNCTIONS_OUT_DIR],
    assetsFolderNames: [ASSETS_OUT_DIR],
  });
}

/** URL paths that Twilio answers only for requests signed with the account's auth token. */
export function protectedPaths(routes: StepRoutes): Set<string> {
  return new Set(
    [...routes.functions, ...routes.assets]
      .filter((resource) => resource.access === 'protected')
      .map((resource) => resource.path),
  );
}

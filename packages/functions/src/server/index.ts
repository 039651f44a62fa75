export { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR, listRoutes, protectedPaths } from './routes.js';
export { requireTwilioSignature } from './signature.js';
export { type StepServer, type StepServerOptions, startStepServer } from './step-server.js';

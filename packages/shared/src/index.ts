export * from './contract.js';
export * from './env.js';
export * from './env-check.js';
export * from './errors.js';
export * from './identity.js';
export * from './steps.js';

import { installSignalingRewrite } from './emulator-mode.js';

/**
 * Installed when this module is evaluated: main.ts imports it first, so the
 * rewrite is in place before the Voice SDK's module can capture `WebSocket`
 * (see `installSignalingRewrite` for why this cannot wait for the mode).
 */
export const signaling = installSignalingRewrite();

import { stepMain } from '../src/learner/step-cli.js';

// pnpm step:start|check|diff|solution N (see src/learner/step-cli.ts).
process.exitCode = await stepMain(process.argv.slice(2));

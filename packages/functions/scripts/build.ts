import { STEPS } from '@kit/shared';
import { buildReferenceStep } from '../src/build/reference.js';

// Builds every step's reference snapshot into its dist/ (what twilio-run serves and deploy uploads).
for (const step of STEPS) {
  await buildReferenceStep(step);
  console.log(`built ${step.tag}`);
}

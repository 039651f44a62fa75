import { freePort, isPortFree } from '@kit/shared/ports';

// One discovery of running kits for the doctor and `pnpm call:signed` (@kit/shared/kits).
export {
  DOCTOR_IDENTITY,
  describeKit,
  findRunningKits,
  identifyPort,
  isRecord,
  KIT_HOST as HOST,
  type PortHolder,
  type RunningKit,
  runningKitsDir,
} from '@kit/shared/kits';
export { freePort, isPortFree };

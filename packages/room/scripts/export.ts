import { processIo } from '@kit/shared/cli';
import { exportMain } from '../src/instructor/export-command.js';

// The bin of `pnpm room:export`, run from the repository root (pnpm's INIT_CWD).
process.exitCode = await exportMain(
  process.argv.slice(2),
  processIo(),
  process.env.INIT_CWD ?? process.cwd(),
);

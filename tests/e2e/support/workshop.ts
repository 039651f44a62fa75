import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finished, type Run } from './processes.js';
import { createVenue, type Venue, type VenueNetwork } from './venue.js';

const REPO_ROOT = join(import.meta.dirname, '../../..');

/**
 * A venue and the people at it, as the venue specs use them: each attendee's own
 * files (workspace, membership, .env) in a scratch folder, and the kit's commands
 * run from the repository root on a given laptop.
 */
export interface Workshop {
  venue: Venue;
  /** The scratch folder: gone with `close`. */
  scratch: string;
  /** An attendee's own environment: their workspace, membership and .env, as on their laptop. */
  attendeeEnv(name: string): NodeJS.ProcessEnv;
  /** `pnpm <args>` on a laptop, from the repository root, to its end. */
  pnpm(laptop: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run>;
  close(): void;
}

export async function openWorkshop(
  laptops: Record<string, number>,
  network?: VenueNetwork,
): Promise<Workshop> {
  const venue = await createVenue(laptops, network);
  // Under packages/functions, as the kit's own test workspaces (git ignores the folder).
  const root = join(REPO_ROOT, 'packages/functions/.test-workspaces');
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(join(root, 'venue-'));
  return {
    venue,
    scratch,
    attendeeEnv(name) {
      const home = join(scratch, name);
      mkdirSync(home, { recursive: true });
      return {
        ...process.env,
        FORCE_COLOR: '0',
        KIT_WORKSPACE_DIR: join(home, 'workspace'),
        KIT_ROOM_FILE: join(home, 'room.json'),
        KIT_ENV_FILE: join(home, '.env'),
      };
    },
    pnpm: (laptop, args, env) =>
      finished(venue.spawn(laptop, 'pnpm', args, { cwd: REPO_ROOT, env })),
    close() {
      venue.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { createPlanner } from '../../src/emulator/planner.ts';
import { catalogueOf, type ProfileSet } from '../../src/emulator/profiles.ts';

/** An emulator on a free port serving `profiles` (and their model catalogue), delays x `timeScale`. */
export function startProfiledEmulator(profiles: ProfileSet, timeScale = 0.01): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    planner: createPlanner({ profiles, timeScale }),
    models: catalogueOf(profiles),
  });
}

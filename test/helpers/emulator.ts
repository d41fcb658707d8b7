import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.ts';
import { createPlanner } from '../../src/emulator/planner.ts';
import { catalogueOf, loadProfiles, type ProfileSet } from '../../src/emulator/profiles.ts';
import type { BenchClient } from '../../src/harness/client.ts';
import { clientAt, sdkClient } from './calls.ts';

/** An emulator on a free port serving `profiles` (and their model catalogue), delays x `timeScale`. */
export function startProfiledEmulator(profiles: ProfileSet, timeScale = 0.01): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    planner: createPlanner({ profiles, timeScale }),
    models: catalogueOf(profiles),
  });
}

/**
 * For one test file: an emulator serving the shipped profiles (delays x `timeScale`), a harness client
 * and a plain SDK client of it (HTTP/1.1), started before the file's tests and closed after them.
 */
export function emulatorForFile(timeScale = 0.01): {
  url: string;
  bench: BenchClient;
  sdk: BedrockRuntimeClient;
} {
  let emulator: RunningEmulator | undefined;
  let bench: BenchClient | undefined;
  let sdk: BedrockRuntimeClient | undefined;
  beforeAll(async () => {
    emulator = await startProfiledEmulator(loadProfiles('data/emulator-profiles.json'), timeScale);
    bench = clientAt(emulator.url);
    sdk = sdkClient(emulator.url, 'http1');
  });
  afterAll(async () => {
    bench?.destroy();
    sdk?.destroy();
    await emulator?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('emulatorForFile: used outside a test');
    return value;
  };
  return {
    get url() {
      return started(emulator).url;
    },
    get bench() {
      return started(bench);
    },
    get sdk() {
      return started(sdk);
    },
  };
}

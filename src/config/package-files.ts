import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files of the converse-bench package itself (its default emulator profiles, the example data `init`
 * copies), found relative to this module: two folders below the package root in the sources
 * (src/config/) as in the build (dist/config/). The user's own files resolve against their project root.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function packageFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** The emulator's latency profiles when `emulatorProfilesFile` is not set. */
export const DEFAULT_EMULATOR_PROFILES = packageFile('data', 'emulator-profiles.json');

/** Bedrock's prices when `pricesFile` is not set. */
export const DEFAULT_PRICES = packageFile('data', 'prices.json');

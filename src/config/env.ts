import { ConfigError, nearestName } from './errors.ts';

/** Every option `fooBar` is read from `CONVERSE_BENCH_FOO_BAR`. */
export const ENV_PREFIX = 'CONVERSE_BENCH_';

/**
 * Variables under this prefix are not options (run ids and the like, set by one part of the tool for
 * another) and are never reported as unknown.
 */
export const INTERNAL_ENV_PREFIX = 'CONVERSE_BENCH_INTERNAL_';

function words(key: string): string[] {
  return key.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
}

/** `invocationsPerScenario` -> `CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO`. */
export function envName(key: string): string {
  return ENV_PREFIX + words(key).join('_').toUpperCase();
}

/** `invocationsPerScenario` -> `--invocations-per-scenario`. */
export function flagName(key: string): string {
  return `--${words(key).join('-')}`;
}

/** One option given as text through the environment. */
export interface EnvSetting<K extends string> {
  key: K;
  variable: string;
  text: string;
}

/**
 * The options set in `env`, in the order of `keys`. An empty value counts as unset (as a shell's
 * `FOO= cmd` means "no value"). An unknown `CONVERSE_BENCH_*` variable is a ConfigError naming the
 * closest known one, so a typo never silently falls back to a default.
 */
export function readEnvSettings<K extends string>(
  env: Record<string, string | undefined>,
  keys: readonly K[],
): EnvSetting<K>[] {
  const known = new Map(keys.map((key) => [envName(key), key] as const));
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(ENV_PREFIX) || variable.startsWith(INTERNAL_ENV_PREFIX)) continue;
    if (known.has(variable)) continue;
    const suggestion = nearestName(variable, [...known.keys()]);
    throw new ConfigError(
      `${variable}=${JSON.stringify(env[variable] ?? '')}: unknown setting; did you mean ${suggestion}?`,
    );
  }
  const settings: EnvSetting<K>[] = [];
  for (const [variable, key] of known) {
    const text = env[variable];
    if (text === undefined || text.trim() === '') continue;
    settings.push({ key, variable, text: text.trim() });
  }
  return settings;
}

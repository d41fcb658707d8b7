import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { packageFile } from '../config/package-files.ts';
import type { RunEnvironment } from './report-inputs.ts';

/** `version` of a package.json, or `unknown` when it cannot be read (not installed, odd layout). */
export function packageVersion(packageJsonPath: string): string {
  try {
    const parsed = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function git(rootDir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: rootDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Commit, branch and dirty flag; empty when `rootDir` is not a git checkout or git is missing. */
export function gitState(rootDir: string): RunEnvironment['git'] {
  const commit = git(rootDir, ['rev-parse', 'HEAD']);
  if (commit === undefined) return {};
  const branch = git(rootDir, ['rev-parse', '--abbrev-ref', 'HEAD']);
  const status = git(rootDir, ['status', '--porcelain']);
  return {
    commit,
    ...(branch !== undefined && branch !== 'HEAD' ? { branch } : {}),
    ...(status !== undefined ? { dirty: status !== '' } : {}),
  };
}

/**
 * Version of an installed package as Node would find it from `fromDir`: the nearest
 * `node_modules/<name>/package.json` up the folder tree (package `exports` may hide package.json from
 * `require.resolve`, so it is looked up directly).
 */
export function installedVersion(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const version = packageVersion(join(dir, 'node_modules', name, 'package.json'));
    if (version !== 'unknown' || dirname(dir) === dir) return version;
  }
}

/** Versions, git state and host of this process, for the run record's context. */
export function collectEnvironment(rootDir: string): RunEnvironment {
  const cpuList = cpus();
  return {
    versions: {
      node: process.version,
      sdk: installedVersion('@aws-sdk/client-bedrock-runtime', rootDir),
      vitest: installedVersion('vitest', rootDir),
      converseBench: packageVersion(packageFile('package.json')),
    },
    git: gitState(rootDir),
    host: {
      platform: platform(),
      arch: arch(),
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
    },
  };
}

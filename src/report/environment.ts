import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
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

/** Versions, git state and host of this process, for the run record's context. */
export function collectEnvironment(rootDir: string): RunEnvironment {
  const modules = join(rootDir, 'node_modules');
  const cpuList = cpus();
  return {
    versions: {
      node: process.version,
      sdk: packageVersion(join(modules, '@aws-sdk', 'client-bedrock-runtime', 'package.json')),
      vitest: packageVersion(join(modules, 'vitest', 'package.json')),
      converseBench: packageVersion(join(rootDir, 'package.json')),
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEnvironment, gitState, installedVersion, packageVersion } from '../src/report/environment.ts';

const outside = mkdtempSync(join(tmpdir(), 'report-environment-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('collectEnvironment', () => {
  it('reads versions from installed package.json files, looking up the folder tree', () => {
    const environment = collectEnvironment(resolve('test/fixtures/reporter'));
    expect(environment.versions).toEqual({
      node: process.version,
      sdk: packageVersion(resolve('node_modules/@aws-sdk/client-bedrock-runtime/package.json')),
      vitest: '5.1.1',
      converseBench: packageVersion(resolve('package.json')),
    });
    expect(environment.versions.sdk).toMatch(/^3\.\d+\.\d+$/);
    expect(environment.host.cpus).toBeGreaterThan(0);
  });

  it('reads the git commit of a checkout', () => {
    expect(gitState(resolve('.')).commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('falls back when not in a git checkout or a package is missing', () => {
    expect(gitState(outside)).toEqual({});
    expect(installedVersion('vitest', outside)).toBe('unknown');
    expect(packageVersion(join(outside, 'package.json'))).toBe('unknown');
  });
});

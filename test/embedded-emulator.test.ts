import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { ProfileError } from '../src/emulator/profiles.ts';
import { startEmbeddedEmulator } from '../src/vitest/embedded-emulator.ts';

const PROFILES = resolve(import.meta.dirname, '../data/emulator-profiles.json');
const settings = { profilesFile: PROFILES, timeScale: 0.01, seed: 1 };

const answers = async (url: string): Promise<boolean> =>
  fetch(`${url}/_emulator/health`).then(
    (response) => response.ok,
    () => false,
  );

/** Polls until the emulator at `url` stops answering; false if it still answers after `ms`. */
async function goneWithin(url: string, ms: number): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(50)) {
    if (!(await answers(url))) return true;
  }
  return false;
}

describe('the embedded emulator, in a process of its own', () => {
  test('serves from another process, and close() stops it and waits for its exit', async () => {
    const exits: string[] = [];
    const emulator = await startEmbeddedEmulator(settings, (why) => exits.push(why));
    expect(emulator.pid).not.toBe(process.pid);
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(emulator.url)).toBe(true);
    await emulator.close();
    expect(await answers(emulator.url)).toBe(false);
    // A close asked for is not a crash.
    expect(exits).toEqual([]);
    await emulator.close();
  });

  test('a crash is reported once, with its signal', async () => {
    const exits: string[] = [];
    const emulator = await startEmbeddedEmulator(settings, (why) => exits.push(why));
    process.kill(emulator.pid, 'SIGKILL');
    expect(await goneWithin(emulator.url, 10_000)).toBe(true);
    for (let i = 0; i < 100 && exits.length === 0; i++) await sleep(20);
    expect(exits).toEqual(['signal SIGKILL']);
    await emulator.close();
  });

  test('bad settings are refused in this process, with the profile file error, before anything is forked', async () => {
    const missing = resolve(import.meta.dirname, 'no-such-profiles.json');
    const start = startEmbeddedEmulator({ ...settings, profilesFile: missing }, () => {});
    await expect(start).rejects.toBeInstanceOf(ProfileError);
    await expect(start).rejects.toThrow(missing);
  });

  test('it ends when the process that started it is killed outright (SIGKILL), so it never outlives a run', async () => {
    const parent = spawn(
      process.execPath,
      [resolve(import.meta.dirname, 'fixtures/embedded-emulator-parent.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((done) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) done(out.trim());
      });
    });
    const [url] = line.split(' ') as [string, string];
    expect(await answers(url)).toBe(true);
    parent.kill('SIGKILL');
    expect(await goneWithin(url, 10_000)).toBe(true);
  });
});

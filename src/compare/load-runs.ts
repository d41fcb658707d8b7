import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type RunRecordNeeds, readRunRecord } from '../data/read-run-record.ts';
import { UserError } from '../errors.ts';
import type { RunRecord } from '../records/run-record.ts';

/** Run records the sink writes: `run-<timestamp>.json`. */
const RUN_FILE = /^run-.*\.json$/;

/**
 * Run records from files and folders (every `run-*.json` directly inside a folder), oldest first by
 * their start time. A folder of main-branch runs is a baseline history.
 */
export function loadRuns(paths: readonly string[], needs: RunRecordNeeds = 'everything'): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new UserError(
        `${path}: no such run record or folder; give a run-*.json file or a folder of them`,
      );
    }
    if (!isFolder) {
      runs.push(readRunRecord(path, needs));
      continue;
    }
    const files = readdirSync(path).filter((name) => RUN_FILE.test(name));
    if (files.length === 0) {
      throw new UserError(
        `${path}: folder holds no run-*.json run record; run \`npm run bench\` to make one`,
      );
    }
    for (const name of files) runs.push(readRunRecord(join(path, name), needs));
  }
  return runs.sort((a, b) => a.context.startedAt.localeCompare(b.context.startedAt));
}

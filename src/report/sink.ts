import {
  appendFileSync,
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import type { OutputFile } from './build-outputs.ts';
import { outputPath, takenNameSuffix } from './file-names.ts';

export class OutputWriteError extends UserError {
  override name = 'OutputWriteError';
  /** The run's summary table, set by whoever rendered it, so it is printed even when no file could be. */
  summary?: string;
}

/** The file-system calls the sink makes; tests inject faults (a full disk, a failing link) through them. */
export interface SinkFs {
  mkdirSync: typeof mkdirSync;
  writeFileSync: typeof writeFileSync;
  linkSync: typeof linkSync;
  copyFileSync: typeof copyFileSync;
  rmSync: typeof rmSync;
}

const NODE_FS: SinkFs = { mkdirSync, writeFileSync, linkSync, copyFileSync, rmSync };

/** What to do about a failed write, by its error code. */
function fixFor(code: string | undefined): string {
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'it or a folder above it is a file: pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder';
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return 'it is not writable: pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a writable folder';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full: free some space, or pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) a folder on another disk';
    default:
      return 'check the folder, or pass --output-dir (CONVERSE_BENCH_OUTPUT_DIR) another one';
  }
}

/** `cannot write to output folder DIR (CODE); <the fix>`: one line for any failed write under it. */
export function outputFault(outputDir: string, cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  return `cannot write to output folder ${outputDir} (${code ?? String(cause)}); ${fixFor(code)}`;
}

function writeError(outputDir: string, cause: unknown): OutputWriteError {
  return new OutputWriteError(outputFault(outputDir, cause), { cause });
}

/**
 * Publishes a finished temporary file under `name` or, when another run (or `report` a moment ago)
 * took that name, under the first free `name-N`. A hard link is created only when its name is free,
 * so nothing is ever overwritten, and a reader never sees half a file.
 */
function publish(fs: SinkFs, outputDir: string, temporary: string, name: string): string {
  for (let attempt = 1; ; attempt++) {
    const path = outputPath(outputDir, attempt === 1 ? name : takenNameSuffix(name, attempt));
    try {
      fs.linkSync(temporary, path);
      return path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    }
    // A file system without hard links: an exclusive copy, which still never overwrites.
    try {
      fs.copyFileSync(temporary, path, constants.COPYFILE_EXCL);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The one place the reporter writes files. Creates `outputDir`; each file is written to a temporary
 * name then published under its own name (a suffix only when the name is taken). A file given as
 * chunks is written chunk by chunk, so a long run's CSV or run record never has to be one string. A
 * failure is one OutputWriteError naming the folder and the fix, and leaves no temporary file behind.
 * Returns the absolute paths written, in order.
 */
export function writeOutputs(
  outputDir: string,
  files: readonly OutputFile[],
  fs: SinkFs = NODE_FS,
): string[] {
  try {
    fs.mkdirSync(outputDir, { recursive: true });
  } catch (error) {
    throw writeError(outputDir, error);
  }
  return files.map((file) => {
    const final = outputPath(outputDir, file.name);
    const temporary = join(dirname(final), `.${basename(final)}.${process.pid}.tmp`);
    try {
      if (typeof file.content === 'string') fs.writeFileSync(temporary, file.content);
      else {
        fs.writeFileSync(temporary, '');
        for (const chunk of file.content()) fs.writeFileSync(temporary, chunk, { flag: 'a' });
      }
      return publish(fs, outputDir, temporary, file.name);
    } catch (error) {
      throw writeError(outputDir, error);
    } finally {
      // The published name is a second link to the same data: dropping the temporary one loses nothing.
      try {
        fs.rmSync(temporary, { force: true });
      } catch {}
    }
  });
}

/** Appends to a file someone else owns (GitHub's `$GITHUB_STEP_SUMMARY`), creating it if needed. */
export function appendToFile(path: string, text: string): void {
  appendFileSync(path, text);
}

/**
 * Replaces a file the user keeps (a calibrated emulator profile file): written to a temporary name
 * beside it, then renamed over it, so a reader sees the old file or the new one, never half of one.
 */
export function replaceFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputWriteError(
      `cannot write ${path} (${code ?? String(error)}); check the folder, or pass another --out`,
      {
        cause: error,
      },
    );
  }
}

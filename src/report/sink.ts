import {
  appendFileSync,
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { OutputFile } from './build-outputs.ts';
import { outputPath, takenNameSuffix } from './file-names.ts';

/**
 * The one place the reporter writes files. Creates `outputDir`; each file is written to a temporary
 * name then linked to its own (a reader never sees half a file), created exclusively: a name already
 * taken gets a suffix (`takenNameSuffix`), so no output is ever overwritten. A file given as chunks is
 * written chunk by chunk, so a long run's CSV or run record never has to be one string. Returns the
 * absolute paths written, in order.
 */
export function writeOutputs(outputDir: string, files: readonly OutputFile[]): string[] {
  mkdirSync(outputDir, { recursive: true });
  return files.map((file) => {
    const temporary = `${outputPath(outputDir, file.name)}.${process.pid}.tmp`;
    if (typeof file.content === 'string') writeFileSync(temporary, file.content);
    else writeChunks(temporary, file.content());
    try {
      return linkExclusively(temporary, outputDir, file.name);
    } finally {
      unlinkSync(temporary);
    }
  });
}

function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk);
      // writeSync may write less than asked: go on until every byte is out.
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    }
  } finally {
    closeSync(fd);
  }
}

/** Links `temporary` to the first free one of `name`, `name-2`, ...; fails only on other errors. */
function linkExclusively(temporary: string, outputDir: string, name: string): string {
  for (let attempt = 1; ; attempt++) {
    const path = outputPath(outputDir, attempt === 1 ? name : takenNameSuffix(name, attempt));
    try {
      linkSync(temporary, path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Appends to a file someone else owns (GitHub's `$GITHUB_STEP_SUMMARY`), creating it if needed. */
export function appendToFile(path: string, text: string): void {
  appendFileSync(path, text);
}

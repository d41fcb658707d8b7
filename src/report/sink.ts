import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { OutputFile } from './build-outputs.ts';
import { outputPath } from './file-names.ts';

/**
 * The one place the reporter writes files. Creates `outputDir`; each file is written to a temporary
 * name then renamed, so a reader never sees half a file. A file given as chunks is written chunk by
 * chunk, so a long run's CSV or run record never has to be one string. Returns the absolute paths
 * written, in order.
 */
export function writeOutputs(outputDir: string, files: readonly OutputFile[]): string[] {
  mkdirSync(outputDir, { recursive: true });
  return files.map((file) => {
    const path = outputPath(outputDir, file.name);
    const temporary = `${path}.${process.pid}.tmp`;
    if (typeof file.content === 'string') writeFileSync(temporary, file.content);
    else writeChunks(temporary, file.content());
    renameSync(temporary, path);
    return path;
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

/** Appends to a file someone else owns (GitHub's `$GITHUB_STEP_SUMMARY`), creating it if needed. */
export function appendToFile(path: string, text: string): void {
  appendFileSync(path, text);
}

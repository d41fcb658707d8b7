import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { OutputFile } from './build-outputs.ts';
import { outputPath } from './file-names.ts';

/**
 * The one place the reporter writes files. Creates `outputDir`; each file is written to a temporary
 * name then renamed, so a reader never sees half a file. Returns the absolute paths written, in order.
 */
export function writeOutputs(outputDir: string, files: readonly OutputFile[]): string[] {
  mkdirSync(outputDir, { recursive: true });
  return files.map((file) => {
    const path = outputPath(outputDir, file.name);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.content);
    renameSync(temporary, path);
    return path;
  });
}

/** Appends to a file someone else owns (GitHub's `$GITHUB_STEP_SUMMARY`), creating it if needed. */
export function appendToFile(path: string, text: string): void {
  appendFileSync(path, text);
}

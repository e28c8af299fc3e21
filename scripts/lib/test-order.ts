/**
 * The order of the test files: longest first by their last recorded duration, so that with N files at a
 * time the run ends sooner (a file never timed counts as longest). scripts/lib/durations-reporter.mjs
 * writes each run's durations; saveDurations merges them into the record.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const read = (record: string): Record<string, number> => { try { return JSON.parse(readFileSync(record, 'utf8')); } catch { return {}; } };

/** `files` (paths from the checkout) by their duration in `record`, longest first; ties and new files by name. */
export function longestFirst(record: string, files: string[]) {
  const last = read(record);
  const ms = (f: string) => last[f] ?? Infinity;
  return [...files].sort((a, b) => (ms(a) === ms(b) ? a.localeCompare(b) : ms(b) > ms(a) ? 1 : -1));
}

/** Merges the reporter's output `timed` (absolute paths) into `record` (paths from `root`), then removes it. */
export function saveDurations(record: string, timed: string, root: string) {
  try {
    const now = Object.entries(read(timed)).map(([f, ms]) => [relative(root, f), Math.round(ms)]);
    if (now.length) writeFileSync(record, `${JSON.stringify({ ...read(record), ...Object.fromEntries(now) }, null, 1)}\n`);
  } finally {
    rmSync(timed, { force: true });
  }
}

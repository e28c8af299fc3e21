/**
 * A node:test reporter for the test command: each test file's duration (the sum of its top-level tests'),
 * as one JSON object keyed by file path, so the next run can start the longest files first. Plain
 * JavaScript: node loads reporters before tsx's hooks.
 */
export default async function* durations(source) {
  const byFile = {};
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file)
      byFile[data.file] = (byFile[data.file] ?? 0) + (data.details?.duration_ms ?? 0);
  }
  yield `${JSON.stringify(byFile)}\n`;
}

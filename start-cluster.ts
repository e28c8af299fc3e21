#!/usr/bin/env node
/**
 * The appliance entrypoint (PID 1 is tini) and the `wiki` operator command (in the image a link to
 * this file, so messages name what the user ran): the command line only; everything else is bootstrap/.
 */
import { text } from 'node:stream/consumers';
import { programName } from './bootstrap/args.ts';
import { main } from './bootstrap/main.ts';

const program = programName(process.argv[1]);
process.exitCode = await main({
  program,
  argv: process.argv.slice(2),
  env: process.env,
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
  readStdin: () => text(process.stdin),
  onSignal: (handler) => { for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => handler(s)); },
  exit: (code) => process.exit(code),
}).catch((err: Error) => {
  // Phases report their own failures; this is for the unexpected (a broken install, say): one line.
  process.stdout.write(`${program}: ${err.message}\n`);
  return 1;
});

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { kubectl, NAMESPACE } from '../cluster/kube.ts';
import { BackupFormatError, checkDump, formatCounts, PG_DUMP_ARGS, PSQL_RESTORE_ARGS, restoredCounts, restoreScript } from './backup-sql.ts';
import { COMPONENTS, inPostgres, postgresPod, selector, type Component } from './pods.ts';
import { status } from './status.ts';
import type { Ctx } from '../context.ts';

/** Operator subcommands (`wiki <command>` in the image, the same program as the entrypoint). */
export const OPERATOR_COMMANDS: [string, string][] = [
  ['status', 'the boot phase or READY, versions, each pod with ready containers and restarts, the URLs; exit 0 when healthy'],
  ['backup [-o FILE]', 'a consistent pg_dump of the wiki\'s data from the PostgreSQL pod, to stdout or FILE; row counts on stderr'],
  ['restore [-i FILE] [--force]', 'restore a backup from stdin or FILE in one transaction; refuses a database with rows unless --force'],
  ['logs [api|postgresql|prometheus|grafana]', 'the last 200 log lines of the release\'s pods (of one component)'],
];
export const isOperatorCommand = (arg: string | undefined) => OPERATOR_COMMANDS.some(([c]) => c.split(' ')[0] === arg);

export type OperatorIo = { out: (s: string) => void; err: (s: string) => void; readStdin: () => Promise<string> };
export class OperatorUsageError extends Error {}

// Held in memory (a string): enough for millions of rows; larger databases need pg_dump run by hand.
const MAX_DUMP_BYTES = 512 * 2 ** 20;

export async function runOperator(command: string, argv: string[], ctx: Ctx, io: OperatorIo): Promise<number> {
  const { values, positionals } = (() => {
    try {
      return parseArgs({ args: argv, allowPositionals: true, options: { output: { type: 'string', short: 'o' }, input: { type: 'string', short: 'i' }, force: { type: 'boolean' } } });
    } catch (err) {
      throw new OperatorUsageError((err as Error).message);
    }
  })();
  switch (command) {
    case 'status': {
      const s = await status(ctx);
      io.out(`${s.text}\n`);
      return s.healthy ? 0 : 1;
    }
    case 'backup': {
      const pod = await postgresPod(ctx);
      const r = await kubectl(ctx, inPostgres(pod, 'pg_dump', PG_DUMP_ARGS, { stdin: false }), { maxBuffer: MAX_DUMP_BYTES });
      const dump = `${r.stdout}\n`;
      const counts = checkDump(dump);
      if (values.output) writeFileSync(values.output, dump, { mode: 0o600 });
      else io.out(dump);
      io.err(`wiki backup: ${formatCounts(counts)} from ${pod}${values.output ? ` to ${values.output}` : ''}\n`);
      return 0;
    }
    case 'restore': {
      const dump = values.input ? readFileSync(values.input, 'utf8') : await io.readStdin();
      let inFile: Record<string, number>;
      try {
        inFile = checkDump(dump);
      } catch (err) {
        if (err instanceof BackupFormatError) { io.err(`wiki restore: ${err.message}; nothing was changed\n`); return 1; }
        throw err;
      }
      const pod = await postgresPod(ctx);
      const r = await kubectl(ctx, inPostgres(pod, 'psql', PSQL_RESTORE_ARGS, { stdin: true }), { input: restoreScript(dump, { force: !!values.force }), check: false, maxBuffer: MAX_DUMP_BYTES });
      const counts = restoredCounts(r.stdout);
      if (r.exitCode !== 0 || !counts) {
        const why = /ERROR:\s+(.*)/.exec(r.stderr)?.[1] ?? (r.stderr.trim() || `psql exited ${r.exitCode}`);
        io.err(`wiki restore: ${why}${/nothing was changed/.test(why) ? '' : ' (the transaction was rolled back: nothing was changed)'}\n`);
        return 1;
      }
      io.err(`wiki restore: ${formatCounts(counts)} restored into ${pod} (the backup held ${formatCounts(inFile)})\n`);
      return 0;
    }
    case 'logs': {
      const component = positionals[0] as Component | undefined;
      if (component && !COMPONENTS.includes(component)) throw new OperatorUsageError(`unknown component ${component}: one of ${COMPONENTS.join(', ')}`);
      const r = await kubectl(ctx, ['logs', '--namespace', NAMESPACE, '--selector', selector(component), '--all-containers', '--prefix', '--tail=200', '--max-log-requests=10'], { check: false });
      io.out(r.stdout ? `${r.stdout}\n` : '');
      if (r.exitCode !== 0) io.err(`${r.stderr}\n`);
      return r.exitCode === 0 ? 0 : 1;
    }
    default:
      throw new OperatorUsageError(`unknown command ${command}`);
  }
}

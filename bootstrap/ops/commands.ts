import { readFileSync } from 'node:fs';
import { ArgvError, HELP_OPTION, optionLines, parseOptions, synopsis, type Options } from '../args.ts';
import { kubectl } from '../cluster/kube.ts';
import { BackupFormatError, checkDump, formatCounts, PG_DUMP_ARGS, PSQL_RESTORE_ARGS, restoredCounts, restoreScript } from './backup-sql.ts';
import { COMPONENTS, inPostgres, postgresPod, selector, type Component } from './pods.ts';
import { status } from './status.ts';
import { writeAtomic } from '../run/files.ts';
import type { Ctx } from '../context.ts';

/** One operator subcommand (`wiki <command>` in the image, the same program as the entrypoint). */
type OperatorCommand = {
  summary: string;
  options: Options;
  /** The one argument it takes, if any, and the values it may have. */
  argument?: { name: string; choices: readonly string[] };
};

export const OPERATOR_COMMANDS = {
  status: { summary: 'the boot phase or READY, versions, each pod with ready containers and restarts, the URLs; exit 0 when healthy', options: {} },
  backup: {
    summary: 'a consistent pg_dump of the wiki\'s data from the PostgreSQL pod, to stdout or FILE; row counts on stderr',
    options: { output: { short: 'o', value: 'FILE', help: 'write the backup to FILE (mode 0600) instead of standard output' } },
  },
  restore: {
    summary: 'restore a backup from stdin or FILE in one transaction; refuses a database with rows unless --force',
    options: {
      input: { short: 'i', value: 'FILE', help: 'read the backup from FILE instead of standard input' },
      force: { help: 'replace the wiki\'s rows when the database already holds some' },
    },
  },
  logs: { summary: 'the last 200 log lines of the release\'s pods (of one component)', options: {}, argument: { name: 'component', choices: COMPONENTS } },
} satisfies Record<string, OperatorCommand>;

export type CommandName = keyof typeof OPERATOR_COMMANDS;
export const isOperatorCommand = (arg: string | undefined): arg is CommandName => arg !== undefined && Object.hasOwn(OPERATOR_COMMANDS, arg);

const spec = (name: CommandName): OperatorCommand => OPERATOR_COMMANDS[name];

/** `restore [-i FILE] [--force]`, `logs [api|postgresql|…]`: a command as usage lines show it. */
export function commandSynopsis(name: CommandName): string {
  const { options, argument } = spec(name);
  return [name, synopsis(options), argument ? `[${argument.choices.join('|')}]` : ''].filter(Boolean).join(' ');
}

/** `wiki <command> --help`. */
export function commandHelp(program: string, name: CommandName): string {
  return [`usage: ${program} ${commandSynopsis(name)}`, '', spec(name).summary, '', 'options:', ...optionLines({ ...spec(name).options, help: HELP_OPTION })].join('\n');
}

export type CommandArgs = { values: Record<string, string | boolean | undefined>; argument?: string };

/** The command's own options and argument only (anything else is an ArgvError); `help` for -h/--help. */
export function parseCommandArgs(name: CommandName, argv: string[]): CommandArgs | 'help' {
  const { options, argument } = spec(name);
  const { values, positionals } = parseOptions(argv, { ...options, help: HELP_OPTION }, { maxPositionals: argument ? 1 : 0 });
  if (values.help) return 'help';
  const [value] = positionals;
  if (argument && value !== undefined && !argument.choices.includes(value)) throw new ArgvError(`unknown ${argument.name} ${value}: one of ${argument.choices.join(', ')}`);
  return { values, argument: value };
}

/** `program` names the messages (`wiki backup: …`), as the user ran it. */
export type OperatorIo = { program: string; out: (s: string) => void; err: (s: string) => void; readStdin: () => Promise<string> };

// Held in memory (a string): enough for millions of rows; larger databases need pg_dump run by hand.
const MAX_DUMP_BYTES = 512 * 2 ** 20;

export async function runOperator(command: CommandName, { values, argument }: CommandArgs, ctx: Ctx, io: OperatorIo): Promise<number> {
  const output = values.output as string | undefined;
  const input = values.input as string | undefined;
  const say = (msg: string) => io.err(`${io.program} ${command}: ${msg}\n`);
  switch (command) {
    case 'status': {
      const s = await status(ctx);
      io.out(`${s.text}\n`);
      return s.healthy ? 0 : 1;
    }
    case 'backup': {
      const pod = await postgresPod(ctx);
      const r = await kubectl(ctx, inPostgres(ctx.cfg.namespace, pod, 'pg_dump', PG_DUMP_ARGS, { stdin: false }), { maxBuffer: MAX_DUMP_BYTES });
      const dump = `${r.stdout}\n`;
      const counts = checkDump(dump);
      if (output) writeAtomic(output, dump);
      else io.out(dump);
      say(`${formatCounts(counts)} from ${pod}${output ? ` to ${output}` : ''}`);
      return 0;
    }
    case 'restore': {
      const dump = input ? readFileSync(input, 'utf8') : await io.readStdin();
      let inFile: Record<string, number>;
      try {
        inFile = checkDump(dump);
      } catch (err) {
        if (err instanceof BackupFormatError) { say(`${err.message}; nothing was changed`); return 1; }
        throw err;
      }
      const pod = await postgresPod(ctx);
      const r = await kubectl(ctx, inPostgres(ctx.cfg.namespace, pod, 'psql', PSQL_RESTORE_ARGS, { stdin: true }), { input: restoreScript(dump, { force: !!values.force }), check: false, maxBuffer: MAX_DUMP_BYTES });
      const counts = restoredCounts(r.stdout);
      if (r.exitCode !== 0 || !counts) {
        const why = /ERROR:\s+(.*)/.exec(r.stderr)?.[1] ?? (r.stderr.trim() || `psql exited ${r.exitCode}`);
        say(`${why}${/nothing was changed/.test(why) ? '' : ' (the transaction was rolled back: nothing was changed)'}`);
        return 1;
      }
      say(`${formatCounts(counts)} restored into ${pod} (the backup held ${formatCounts(inFile)})`);
      return 0;
    }
    case 'logs': {
      const component = argument as Component | undefined;
      const r = await kubectl(ctx, ['logs', '--namespace', ctx.cfg.namespace, '--selector', selector(component), '--all-containers', '--prefix', '--tail=200', '--max-log-requests=10'], { check: false });
      io.out(r.stdout ? `${r.stdout}\n` : '');
      if (r.exitCode !== 0) io.err(`${r.stderr}\n`);
      return r.exitCode === 0 ? 0 : 1;
    }
  }
}

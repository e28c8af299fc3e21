import { basename } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Command-line options stated once: what parses them (node:util parseArgs, strict), the usage line
 * and the --help lines are all generated from one table per command.
 */
export type OptionSpec = { short?: string; /** The value's name when it takes one (`FILE`). */ value?: string; help: string };
export type Options = Record<string, OptionSpec>;

export const HELP_OPTION: OptionSpec = { short: 'h', help: 'print this help and exit' };

/** A command line the program cannot run: exit 2 with the usage. */
export class ArgvError extends Error {}

export const DEFAULT_PROGRAM = 'start-cluster';

/** The name the user ran, for messages: `wiki` (the image's link) or `start-cluster`, from the invoked path. */
export const programName = (invoked: string | undefined) => (invoked ? basename(invoked).replace(/\.[cm]?[jt]s$/, '') : DEFAULT_PROGRAM);

/** `[-o FILE] [--force]`: the options as a usage line shows them (short with a value, long without). */
export const synopsis = (options: Options) => Object.entries(options).map(([n, o]) => `[${o.value ? `${o.short ? `-${o.short}` : `--${n}`} ${o.value}` : `--${n}`}]`).join(' ');

/** One line per option: `-o, --output FILE  what it does`. */
export function optionLines(options: Options): string[] {
  const rows = Object.entries(options).map(([n, o]) => [`${o.short ? `-${o.short}, ` : ''}--${n}${o.value ? ` ${o.value}` : ''}`, o.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`);
}

/** Parses `argv` against `options` (nothing else is accepted), with at most `maxPositionals` arguments. */
export function parseOptions(argv: string[], options: Options, { maxPositionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: Object.fromEntries(Object.entries(options).map(([n, o]) => [n, { type: o.value ? 'string' as const : 'boolean' as const, ...(o.short ? { short: o.short } : {}) }])),
    });
  } catch (err) {
    throw new ArgvError(describe(err as Error & { code?: string }, options));
  }
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined) throw new ArgvError(`unexpected argument ${extra}`);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** parseArgs's errors in the program's words. */
function describe(err: Error & { code?: string }, options: Options): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${/'([^']+)'/.exec(err.message)?.[1] ?? err.message}`;
  const [name, o] = Object.entries(options).find(([n]) => err.message.includes(`--${n}`)) ?? [];
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && name && o) {
    return o.value ? `${o.short ? `-${o.short}/` : ''}--${name} needs a ${o.value}` : `--${name} takes no value`;
  }
  return err.message;
}

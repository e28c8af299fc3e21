/**
 * The wiki's backup format and its restore, as pg_dump and psql arguments plus SQL, so the same
 * text runs in the PostgreSQL pod (`wiki backup`/`wiki restore`) and against the tests' PostgreSQL 18.
 * A backup is the data of the wiki's tables with their sequences' positions (`setval`); the schema
 * is the API's own migrations, already applied on the appliance it is restored into.
 */
export const WIKI_TABLES = ['users', 'posts'] as const;

/** pg_dump runs in one snapshot: a consistent copy while the API keeps serving. */
export const PG_DUMP_ARGS = ['--data-only', '--no-owner', '--no-privileges', ...WIKI_TABLES.map((t) => `--table=public.${t}`)];

/** Stop at the first error; the script is one transaction (restoreScript), so a failed restore changes nothing. */
export const PSQL_RESTORE_ARGS = ['--no-psqlrc', '--set=ON_ERROR_STOP=1', '--quiet', '--tuples-only', '--no-align', '--file=-'];

export class BackupFormatError extends Error {}

/** Rows per table in a plain-format dump (the lines of each COPY block). */
export function dumpRowCounts(dump: string): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(WIKI_TABLES.map((t) => [t, 0]));
  let table: string | undefined;
  for (const line of dump.split('\n')) {
    if (table) {
      if (line === '\\.') table = undefined;
      else counts[table] = (counts[table] ?? 0) + 1;
      continue;
    }
    const m = /^COPY public\.(\w+) \(.*\) FROM stdin;$/.exec(line);
    if (m) table = m[1];
  }
  return counts;
}

/** A whole pg_dump of the wiki's tables, or a clear error (a truncated or foreign file is refused). */
export function checkDump(dump: string): Record<string, number> {
  if (!/^-- PostgreSQL database dump$/m.test(dump)) throw new BackupFormatError('not a wiki backup: no "-- PostgreSQL database dump" header (make one with `wiki backup`)');
  if (!/^-- PostgreSQL database dump complete$/m.test(dump)) throw new BackupFormatError('the backup is incomplete: no "-- PostgreSQL database dump complete" line at its end (was it cut off?)');
  if (!/^COPY public\.users \(/m.test(dump)) throw new BackupFormatError('not a wiki backup: it holds no public.users data');
  return dumpRowCounts(dump);
}

const count = (t: string) => `(SELECT count(*) FROM public.${t})`;

/** The psql input that restores `dump`: refuses a database with rows unless forced, prints `restored|users|posts`. */
export function restoreScript(dump: string, { force }: { force: boolean }): string {
  const guard = force
    ? `TRUNCATE ${[...WIKI_TABLES].reverse().map((t) => `public.${t}`).join(', ')} RESTART IDENTITY;`
    : `DO $$ BEGIN IF ${WIKI_TABLES.map((t) => `EXISTS (SELECT 1 FROM public.${t})`).join(' OR ')} THEN
  RAISE EXCEPTION 'the database already holds % users and % posts; nothing was changed (add --force to replace them)', ${count('users')}, ${count('posts')};
END IF; END $$;`;
  // BEGIN … COMMIT, then \q: psql ends at the script's end even where the exec transport never
  // delivers end-of-input (an exec stream that cannot half-close stdin, as kwok's exec in the tests).
  return `BEGIN;\n${guard}\n${dump}\nSELECT 'restored', ${WIKI_TABLES.map(count).join(', ')};\nCOMMIT;\n\\q\n`;
}

/** The counts from the restore's last line. */
export function restoredCounts(psqlOut: string): Record<string, number> | undefined {
  const m = /^restored\|(\d+)\|(\d+)$/m.exec(psqlOut);
  return m ? { users: Number(m[1]), posts: Number(m[2]) } : undefined;
}

export const formatCounts = (c: Record<string, number>) => WIKI_TABLES.map((t) => `${c[t] ?? 0} ${t}`).join(', ');

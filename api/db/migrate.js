import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url).pathname;
// Any constant shared by every replica; keyed so other apps on the same database are not blocked.
const LOCK_KEY = 0x77696b69; // "wiki"
/**
 * Applies the numbered SQL files not yet recorded, in order, in one transaction holding an
 * advisory lock: replicas that start together wait for the first and then find nothing to do.
 */
export async function migrate(sql, dir = MIGRATIONS_DIR) {
    const files = (await readdir(dir)).filter((f) => /^\d{5}_[\w-]+\.sql$/.test(f)).sort();
    return sql.begin(async (tx) => {
        await tx `SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
        await tx `CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
        const done = new Set((await tx `SELECT version FROM schema_migrations`).map((r) => r.version));
        const applied = [];
        for (const file of files) {
            if (done.has(file))
                continue;
            await tx.unsafe(await readFile(join(dir, file), 'utf8'));
            await tx `INSERT INTO schema_migrations (version) VALUES (${file})`;
            applied.push(file);
        }
        return applied;
    });
}

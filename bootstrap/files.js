import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
/** Writes a generated file (0600: it may hold a password); in a dry run prints it instead. */
export function writeGenerated(ctx, path, content, { shown = content } = {}) {
    if (ctx.exec.dryRun) {
        ctx.log.raw(`  --- ${path}\n${shown.replace(/^/gm, '  | ').trimEnd()}`);
        return;
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, content, { mode: 0o600 });
}

import { readFileSync } from 'node:fs';
import { writeGenerated } from "./files.js";
export function recordPhase(ctx, phase) {
    if (ctx.exec.dryRun)
        return;
    const state = { phase, since: new Date().toISOString(), apiRef: ctx.apiRef };
    writeGenerated(ctx, ctx.paths.bootState, `${JSON.stringify(state)}\n`);
}
export function readBootState(file) {
    try {
        return JSON.parse(readFileSync(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}

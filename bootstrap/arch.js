import { readFileSync } from 'node:fs';
import { repoFile } from "./pins.js";
export const readArchitectures = (file = repoFile('architectures.json')) => JSON.parse(readFileSync(file, 'utf8'));
export class UnsupportedArchError extends Error {
}
/** Node's `process.arch` → the name every download and bundle file uses; an unknown one is refused. */
export function imageArch(nodeArch, arches = readArchitectures()) {
    const found = Object.entries(arches).find(([, a]) => a.node === nodeArch)?.[0];
    if (!found) {
        throw new UnsupportedArchError(`unsupported architecture ${nodeArch}: the appliance is built for ${Object.entries(arches).map(([k, a]) => `${k} (Node ${a.node})`).join(' and ')}`);
    }
    return found;
}

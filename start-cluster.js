/** The appliance entrypoint (PID 1 is tini) and the `wiki` operator command: the command line only; everything else is bootstrap/. */
import { text } from 'node:stream/consumers';
import { main } from "./bootstrap/main.js";
process.exitCode = await main({
    argv: process.argv.slice(2),
    env: process.env,
    out: (s) => { process.stdout.write(s); },
    err: (s) => { process.stderr.write(s); },
    readStdin: () => text(process.stdin),
    onSignal: (handler) => { for (const s of ['SIGTERM', 'SIGINT'])
        process.on(s, () => handler(s)); },
    exit: (code) => process.exit(code),
}).catch((err) => {
    // Phases report their own failures; this is for the unexpected (a broken install, say): one line.
    process.stdout.write(`start-cluster: ${err.message}\n`);
    return 1;
});

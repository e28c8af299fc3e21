/**
 * One setup step of the test command (scripts/test.ts runs them in the order of its SETUP): a name, a
 * cache check and a run; after either, `after` prints what is in use and hands the tests their env vars
 * (by setting process.env, which the test run inherits).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { which } from 'zx';

export interface Step {
  name: string;
  /** What is there already (a line to print, maybe empty) when there is nothing to do; else undefined. */
  cached(): Promise<string | undefined>;
  /** Installs or builds it; throws with one line saying what is missing. */
  run(): Promise<void>;
  /** After either: prints the version in use, sets the variables the tests read. */
  after?(): Promise<void>;
}

/** A failure the step explains in its message (printed alone, without a stack). */
export class SetupError extends Error {}

/** A variable the test command must have (versions.env is loaded by scripts/test). */
export function env(name: string) {
  const v = process.env[name];
  if (!v) throw new SetupError(`${name} is not set (versions.env, loaded by scripts/test)`);
  return v;
}

/** The checkout, ending in `/`. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TOOLS = process.env.WIKI_TOOLS_DIR ?? '/var/cache/wiki-appliance';
export const BIN = `${TOOLS}/bin`;
export const isRoot = () => process.getuid?.() === 0;
export const has = async (cmd: string) => Boolean(await which(cmd, { nothrow: true }));
export const executable = (f: string) => { try { accessSync(f, constants.X_OK); return true; } catch { return false; } };
/** The first 16 hex digits of the SHA-256 of the parts, concatenated (= `cat … | sha256sum | cut -c1-16`). */
export const sha16 = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex').slice(0, 16);
/** The version go.mod `text` requires of `module` (in a require block or on a `require` line), or ''. */
export const goRequire = (text: string, module: string) =>
  new RegExp(`^(?:require)?\\s*${module.replaceAll('.', '\\.')} (v\\S+)$`, 'm').exec(text)?.[1] ?? '';
/** The environment with the pinned tools' GOBIN, for `go install`. */
export const goEnv = (extra: Record<string, string> = {}) => ({ ...process.env, GOBIN: BIN, ...extra });

/**
 * A Go-built tool: cached when $TOOLS/bin/NAME and its stamp for KEY exist (a go-installed binary may not
 * report its exact version, so the stamp records what was built); else build() and stamp it.
 */
export function goTool(name: string, key: string, build: () => Promise<unknown>) {
  const stamp = `${BIN}/.${name}-${key}`;
  return {
    cached: () => (executable(`${BIN}/${name}`) && existsSync(stamp) ? `${name} ${key}: cached` : undefined),
    async run() {
      if (!(await has('go'))) throw new SetupError(`go is required to build ${name}; install Go >= 1.26 (https://go.dev/dl)`);
      mkdirSync(BIN, { recursive: true });
      await build();
      for (const f of readdirSync(BIN)) if (f.startsWith(`.${name}-`)) rmSync(`${BIN}/${f}`);
      writeFileSync(stamp, '');
    },
  };
}

/** A step that is one Go tool. */
export function goToolStep(name: string, key: string, build: () => Promise<unknown>): Step {
  const tool = goTool(name, key, build);
  return { name, cached: async () => tool.cached(), run: tool.run };
}

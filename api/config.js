import { z } from 'zod';
/** Environment → frozen, typed configuration. Throws one readable error; never exits. */
const intFrom = (def, min, max) => z.coerce.number().int().min(min).max(max).default(def);
const EnvSchema = z
    .object({
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DB_HOST: z.string().min(1).optional(),
    DB_PORT: intFrom(5432, 1, 65535),
    DB_NAME: z.string().min(1).default('wiki'),
    DB_USER: z.string().min(1).default('wiki'),
    DB_PASSWORD: z.string().optional(),
    DB_POOL_MAX: intFrom(10, 1, 200),
    DB_CONNECT_TIMEOUT_S: intFrom(5, 1, 120),
    PORT: intFrom(8000, 0, 65535),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // How long SIGTERM waits for in-flight requests before closing them (ms).
    SHUTDOWN_TIMEOUT_MS: intFrom(20_000, 0, 600_000),
})
    .refine((e) => e.DATABASE_URL || e.DB_HOST, {
    message: 'set DATABASE_URL (postgres://user:pass@host:5432/db) or DB_HOST with DB_NAME, DB_USER, DB_PASSWORD',
    path: ['DATABASE_URL'],
});
export class ConfigError extends Error {
}
export function parseConfig(env) {
    const parsed = EnvSchema.safeParse(env);
    if (!parsed.success) {
        // Never echo values: DATABASE_URL may hold a password.
        const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`).join('; ');
        throw new ConfigError(`invalid configuration: ${why}`);
    }
    const e = parsed.data;
    return Object.freeze({
        database: Object.freeze({
            url: e.DATABASE_URL, host: e.DB_HOST, port: e.DB_PORT, name: e.DB_NAME, user: e.DB_USER,
            password: e.DB_PASSWORD, poolMax: e.DB_POOL_MAX, connectTimeoutS: e.DB_CONNECT_TIMEOUT_S,
        }),
        port: e.PORT,
        host: e.HOST,
        logLevel: e.LOG_LEVEL,
        shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    });
}

import postgres from 'postgres';
/** The one pool of the process. Timestamps come back as Date and serialise as ISO-8601 UTC. */
export function createSql(db, onnotice = () => { }) {
    const options = {
        max: db.poolMax,
        connect_timeout: db.connectTimeoutS,
        idle_timeout: 60,
        max_lifetime: 30 * 60,
        onnotice,
        connection: { application_name: 'wiki-api' },
    };
    if (db.url)
        return postgres(db.url, options);
    return postgres({ ...options, host: db.host, port: db.port, database: db.name, username: db.user, password: db.password });
}
/** Connection-level failures: the database is away, not the request wrong. */
const UNAVAILABLE_CODES = new Set([
    'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH',
    'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
    '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
]);
export function isUnavailable(err) {
    const code = err?.code;
    return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}
export function isForeignKeyViolation(err) {
    return err?.code === '23503';
}

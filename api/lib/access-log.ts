import { pino } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import { destinationOf, type Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** What one finished request leaves behind. `reqId` matches [\w\-.:=]+ (observe checks it). */
export type Access = { reqId: string; method: string; route: string; status: number; seconds: number };
type Series = { count: Counter.Internal; time: Histogram.Internal<'method' | 'route' | 'status'>; fields: string; pending: number };

/**
 * Per-request bookkeeping: one metrics sample and one access-log line per request, done together
 * once per event-loop turn after the responses have left, so a busy API hands the destination one
 * string per turn instead of making a pino call per request (the largest share of its overhead in
 * `npm run bench`; the destination batches further, see lineBatch in logger.ts). The lines are
 * pino's own (level, time, the logger's bindings, msg last), written to pino's destination; they
 * are put together by hand because every field is either a number or a string that needs no
 * escaping: ids are checked by observe, and the method, route and status strings are serialised
 * once per label set.
 */
export function createAccessLog(metrics: Metrics, log: Logger): (access: Access) => void {
  // prom-client hashes the label object on every call; the children per label set are cached once,
  // found by route, method and status in turn (no key string is built per request).
  const series = new Map<string, Map<string, Map<number, Series>>>();
  const seriesOf = (method: string, route: string, status: number): Series => {
    let byMethod = series.get(route);
    if (!byMethod) series.set(route, byMethod = new Map());
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, byStatus = new Map());
    let s = byStatus.get(status);
    if (!s) {
      const code = String(status);
      s = {
        count: metrics.httpRequests.labels(method, route, code),
        time: metrics.httpDuration.labels(method, route, code),
        fields: `"method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"status":${JSON.stringify(code)},"duration_ms":`,
        pending: 0,
      };
      byStatus.set(status, s);
    }
    return s;
  };
  let queue: Access[] = [];

  const flush = () => {
    const batch = queue;
    queue = [];
    const logging = log.isLevelEnabled('info');
    // Bindings as pino writes them (`,"service":"wiki-api"`), read per turn: a child logger or a
    // level change made at run time is honoured.
    const head = `{"level":${log.levels.values.info},"time":${Date.now()}${(log as unknown as Record<symbol, string>)[pino.symbols.chindingsSym]}`;
    // The turn's lines as pieces joined once: no string is re-copied as the output grows.
    const out: string[] = [];
    const touched: Series[] = [];
    for (const a of batch) {
      const s = seriesOf(a.method, a.route, a.status);
      if (s.pending++ === 0) touched.push(s);
      s.time.observe(a.seconds);
      if (logging) out.push(head, ',"reqId":"', a.reqId, '",', s.fields, String(Math.round(a.seconds * 1e5) / 100), ',"msg":"request"}\n');
    }
    // One counter increment per label set and turn (prom-client hashes the labels on every call).
    for (const s of touched) { s.count.inc(s.pending); s.pending = 0; }
    if (out.length) destinationOf(log).write(out.join(''));
  };

  return (access) => {
    if (queue.push(access) === 1) setImmediate(flush);
  };
}

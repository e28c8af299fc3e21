import type { Sql } from './db/client.ts';
import type { Lifecycle } from './lib/lifecycle.ts';
import type { Logger } from './lib/logger.ts';
import type { Metrics } from './lib/metrics.ts';

/** Everything a handler may touch, passed in: no module-level singletons. */
export type Deps = { sql: Sql; metrics: Metrics; log: Logger; lifecycle: Lifecycle };

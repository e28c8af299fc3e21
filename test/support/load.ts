/**
 * Write load for the tests that disturb a running appliance: `workers` clients each creating users in a
 * loop, one connection per request (as an ingress controller routes each request by the endpoints it
 * holds now, rather than reusing a connection to a pod that is going away). Every acknowledged id is
 * kept, every failure named, so a test can say "no acknowledged write lost" and "zero failed requests".
 */
import { request } from 'node:http';

export type LoadResult = { acknowledged: number[]; failed: string[]; requests: number };

/** One POST /users on a new connection: the created id, or why it failed. */
function createUser(base: string, name: string): Promise<{ id: number } | { error: string }> {
  const body = JSON.stringify({ name });
  return new Promise((resolve) => {
    const req = request(`${base}/users`, { method: 'POST', agent: false, timeout: 10_000,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        if (res.statusCode === 201) resolve({ id: (JSON.parse(text) as { id: number }).id });
        else resolve({ error: `status ${res.statusCode}: ${text.slice(0, 200)}` });
      });
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end(body);
  });
}

/** Starts the load against `base` (the API's URL); `stop()` ends it after the requests in flight and reports. */
export function startLoad(base: string, { workers = 4, prefix = 'load' } = {}) {
  const result: LoadResult = { acknowledged: [], failed: [], requests: 0 };
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      result.requests++;
      const r = await createUser(base, `${prefix}-${w}-${i}`);
      if ('id' in r) result.acknowledged.push(r.id); else result.failed.push(r.error);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    result,
    async stop(): Promise<LoadResult> { running = false; await done; return result; },
  };
}

import type { RouterRoute } from 'hono/types';

const pattern = (path: string) =>
  new RegExp(`^${path.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);

/** Methods that some route accepts for this path: a non-empty answer turns a 404 into a 405. */
export function allowedMethods(routes: RouterRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL' || !pattern(r.path).test(path)) continue;
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}

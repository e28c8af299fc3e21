/**
 * The appliance's port 8080 for a chart on the real node, standing in for Traefik (k3s's ingress
 * controller, which is not built here): an HTTP proxy on loopback that routes each request as the
 * namespace's Ingress objects say (host-less rules, the longest matching Prefix/Exact path) to the
 * backend Service's ClusterIP, which kube-proxy serves. Routing is read from the API on every request,
 * so it follows upgrades; no route is a 404, an unreachable backend a 502, as Traefik answers.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControlPlane } from './control-plane.ts';
import type { Yaml } from './helm.ts';

export type Ingress = { url: string; close(): Promise<void> };

type Route = { path: string; exact: boolean; service: string; port: number | string };

/** The backend of the longest path of `routes` that matches `path` (Prefix matches whole segments). */
function pickRoute(routes: Route[], path: string): Route | undefined {
  const matches = routes.filter((r) => r.exact ? path === r.path
    : r.path === '/' || path === r.path || path.startsWith(r.path.endsWith('/') ? r.path : `${r.path}/`));
  return matches.sort((a, b) => b.path.length - a.path.length || Number(b.exact) - Number(a.exact))[0];
}

export async function startIngress(cp: ControlPlane, namespace: string): Promise<Ingress> {
  const routes = async (): Promise<Route[]> => ((await cp.api('GET', `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`)).items as Yaml[])
    .flatMap((i) => (i.spec.rules ?? []).filter((r: Yaml) => !r.host).flatMap((r: Yaml) => (r.http?.paths ?? []).map((p: Yaml) => ({
      path: p.path ?? '/', exact: p.pathType === 'Exact', service: p.backend.service.name, port: p.backend.service.port.number ?? p.backend.service.port.name,
    }))));
  const target = async (path: string) => {
    const route = pickRoute(await routes(), path);
    if (!route) return undefined;
    const svc = await cp.api('GET', `/api/v1/namespaces/${namespace}/services/${route.service}`);
    const port = (svc.spec.ports as Yaml[]).find((p) => p.port === route.port || p.name === route.port);
    return port ? { host: svc.spec.clusterIP as string, port: port.port as number } : undefined;
  };

  const server: Server = createServer((req, res) => {
    const fail = (status: number, text: string) => { if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' }); res.end(text); };
    target(new URL(req.url ?? '/', 'http://x').pathname).then((to) => {
      if (!to) return fail(404, '404 page not found');
      const up = request({ ...to, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => fail(502, 'Bad Gateway'));
      req.pipe(up);
    }, () => fail(502, 'Bad Gateway'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

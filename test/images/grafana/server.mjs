// STAND-IN for Grafana 13.2's HTTP API (test/images/README.md): only what the chart's probes and helm tests call,
// from the provisioning files the chart mounts. node:http, no dependencies; writes nothing anywhere.
import { accessSync, constants, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';

/** Grafana's booleans from env (go-ini's Bool): 1, t, true, y, yes, on in any case. */
const iniBool = (v) => /^(1|t|true|y|yes|on)$/i.test(v ?? '');

/** The path prefix Grafana serves under: root_url's path when serve_from_sub_path is on, else none. */
function subPath(env) {
  if (!iniBool(env.GF_SERVER_SERVE_FROM_SUB_PATH)) return '';
  const root = (env.GF_SERVER_ROOT_URL ?? '%(protocol)s://%(domain)s:%(http_port)s/')
    .replaceAll('%(protocol)s', 'http').replaceAll('%(domain)s', 'localhost').replaceAll('%(http_port)s', '3000');
  return new URL(root).pathname.replace(/\/+$/, '');
}

/** One YAML scalar: quoted strings, booleans, null, numbers, else the plain string. */
function scalar(text, where) {
  const t = text.trim();
  if (t.startsWith('"')) return JSON.parse(t);
  if (t.startsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (/^[[{|>&*!]/.test(t)) throw new Error(`${where}: this YAML reader takes block mappings, sequences and scalars only: ${t}`);
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  if (t === '' || t === '~' || t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** The lines that carry data: indent and text, comments and blanks dropped. */
function yamlLines(text) {
  return text.split('\n').map((raw) => raw.replace(/(^|\s)#(?=(?:[^"']|"[^"]*"|'[^']*')*$).*$/, '').trimEnd())
    .filter((l) => l.trim() !== '' && l.trim() !== '---')
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
}

/**
 * The subset of YAML that provisioning files are written in (block mappings, block sequences, plain
 * and quoted scalars); anything else is refused with an error rather than misread.
 */
function parseYaml(text, where) {
  const lines = yamlLines(text);
  let i = 0;
  const block = (indent) => (lines[i].text === '-' || lines[i].text.startsWith('- ') ? sequence(indent) : mapping(indent));
  const entry = (text) => /^([^"'\s][^:]*|"[^"]*"|'[^']*'):(?:\s+(.*))?$/.exec(text);
  const nested = (indent) => (i < lines.length && (lines[i].indent > indent || (lines[i].indent === indent && lines[i].text.startsWith('-'))) ? block(lines[i].indent) : null);
  function mapping(indent) {
    const out = {};
    while (i < lines.length && lines[i].indent === indent && !lines[i].text.startsWith('- ') && lines[i].text !== '-') {
      const m = entry(lines[i].text);
      if (!m) throw new Error(`${where}: cannot read line "${lines[i].text}"`);
      i++;
      out[scalar(m[1], where)] = m[2] === undefined || m[2] === '' ? nested(indent) : scalar(m[2], where);
    }
    return out;
  }
  function sequence(indent) {
    const out = [];
    while (i < lines.length && lines[i].indent === indent && (lines[i].text === '-' || lines[i].text.startsWith('- '))) {
      const rest = lines[i].text.slice(1).trimStart();
      if (rest === '') { i++; out.push(nested(indent)); continue; }
      if (entry(rest)) lines[i] = { indent: indent + lines[i].text.indexOf(rest), text: rest };
      else { i++; out.push(scalar(rest, where)); continue; }
      out.push(mapping(lines[i].indent));
    }
    return out;
  }
  if (lines.length === 0) return null;
  const doc = block(lines[0].indent);
  if (i < lines.length) throw new Error(`${where}: unexpected indentation at "${lines[i].text}"`);
  return doc;
}

/** The files of a directory (symlinks followed, dot entries skipped, as a ConfigMap mount lays them out), recursively. */
function files(dir) {
  return readdirSync(dir).filter((n) => !n.startsWith('.')).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const yamlFiles = (dir) => { try { return files(dir).filter((f) => /\.ya?ml$/.test(f)); } catch { return []; } };

/** Grafana's slugify for a dashboard's URL: lower case, runs of other characters as one dash. */
const slugify = (title) => String(title).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The provisioned datasources (by uid) and file-provider dashboards (by uid), read once at start as Grafana does. */
function loadProvisioning(dir) {
  const datasources = new Map();
  for (const f of yamlFiles(join(dir, 'datasources'))) {
    for (const ds of parseYaml(readFileSync(f, 'utf8'), f)?.datasources ?? []) datasources.set(ds.uid ?? ds.name, ds);
  }
  const dashboards = new Map();
  for (const f of yamlFiles(join(dir, 'dashboards'))) {
    for (const provider of parseYaml(readFileSync(f, 'utf8'), f)?.providers ?? []) {
      if ((provider.type ?? 'file') !== 'file') continue;
      const root = provider.options?.path;
      if (!root) throw new Error(`${f}: provider ${provider.name} has no options.path`);
      for (const file of files(root).filter((p) => p.endsWith('.json'))) {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        if (json.uid) dashboards.set(json.uid, { json, provider, file: relative(root, file), id: dashboards.size + 1 });
      }
    }
  }
  return { datasources, dashboards };
}

/** Grafana's datasource health check for Prometheus: an instant query of 1+1 through the datasource's URL. */
async function prometheusHealth(ds) {
  if (ds.type !== 'prometheus') return [400, { status: 'ERROR', message: `this stand-in checks prometheus datasources only, not ${ds.type}` }];
  const failed = (why) => [400, { status: 'ERROR', message: `There was an error returned querying the Prometheus API. ${why}` }];
  try {
    const r = await fetch(`${String(ds.url).replace(/\/+$/, '')}/api/v1/query?query=1%2B1&time=${Date.now() / 1000}`, { signal: AbortSignal.timeout(10_000) });
    const body = await r.json().catch(() => undefined);
    if (r.ok && body?.status === 'success') return [200, { status: 'OK', message: 'Successfully queried the Prometheus API.' }];
    return failed(`status ${r.status}`);
  } catch (e) {
    return failed(e.cause?.message ?? e.message);
  }
}

/** Who is asking: the admin by Basic auth, an anonymous viewer when allowed, else nobody (null). */
function caller(req, env) {
  const auth = req.headers.authorization;
  if (auth === undefined) return iniBool(env.GF_AUTH_ANONYMOUS_ENABLED) ? 'anonymous' : null;
  const [user, ...pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
  const ok = auth.startsWith('Basic ') && user === (env.GF_SECURITY_ADMIN_USER ?? 'admin') && pass.join(':') === (env.GF_SECURITY_ADMIN_PASSWORD ?? 'admin');
  return ok ? 'admin' : null;
}

const UNAUTHORIZED = [401, { extra: null, message: 'Unauthorized', messageId: 'auth.unauthorized', statusCode: 401, traceID: '' }];

/** The answer to one request: [status, JSON body]. */
async function answer(req, env, sub, provisioned) {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (!['GET', 'HEAD'].includes(req.method ?? '') || !path.startsWith(`${sub}/api/`)) return [404, { message: 'Not found' }];
  const api = path.slice(sub.length);
  if (api === '/api/health') return [200, { database: 'ok', version: (env.WIKI_STANDIN_OF ?? 'stand-in').split(':').pop(), commit: 'stand-in' }];
  const dashboard = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(api);
  const health = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(api);
  if (!dashboard && !health) return [404, { message: 'Not found' }];
  if (caller(req, env) === null) return UNAUTHORIZED;
  if (dashboard) {
    const d = provisioned.dashboards.get(decodeURIComponent(dashboard[1]));
    if (!d) return [404, { message: 'Dashboard not found' }];
    const slug = slugify(d.json.title);
    return [200, {
      dashboard: { ...d.json, id: d.id, version: d.json.version ?? 1 },
      meta: { type: 'db', slug, url: `${sub}/d/${d.json.uid}/${slug}`, isFolder: false, folderTitle: d.provider.folder || 'General', provisioned: true, provisionedExternalId: d.file, canSave: false, canEdit: false, canAdmin: false, canDelete: false },
    }];
  }
  const ds = provisioned.datasources.get(decodeURIComponent(health[1]));
  if (!ds) return [404, { message: 'Data source not found' }];
  return prometheusHealth(ds);
}

function main(env) {
  const data = env.GF_PATHS_DATA ?? '/var/lib/grafana';
  try {
    accessSync(data, constants.W_OK);
  } catch {
    throw new Error(`data path ${data} is not writable: Grafana keeps its database there`);
  }
  const sub = subPath(env);
  const provisioned = loadProvisioning(env.GF_PATHS_PROVISIONING ?? '/etc/grafana/provisioning');
  const server = createServer((req, res) => {
    answer(req, env, sub, provisioned).then(([status, body]) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    }, (e) => {
      console.error(`logger=standin level=error msg="request failed" path=${req.url} error="${e.message}"`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
  });
  const port = Number(env.GF_SERVER_HTTP_PORT ?? 3000);
  server.listen(port, env.GF_SERVER_HTTP_ADDR || undefined, () => {
    console.log(`logger=standin level=info msg="HTTP Server Listen" port=${port} subUrl=${sub} datasources=${provisioned.datasources.size} dashboards=${provisioned.dashboards.size}`);
  });
  // PID 1 has no default signal handlers: stop on SIGTERM (the kubelet's) and SIGINT.
  const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main(process.env);
} catch (e) {
  console.error(`logger=standin level=error msg="failed to start" error="${e.message}"`);
  process.exit(1);
}

import { publicUrls } from './urls.ts';
import type { Pins } from './pins.ts';
import type { BootConfig } from './settings.ts';

/** Splits a pinned reference into the chart's {registry, repository, tag}. */
export function imageParts(ref: string) {
  const at = ref.lastIndexOf(':');
  const [registry, ...rest] = ref.slice(0, at).split('/');
  return { registry: registry!, repository: rest.join('/'), tag: ref.slice(at + 1) };
}

/**
 * The appliance's values for the chart: every image exactly as bundled (so nothing is pulled), the
 * API image preloaded (pullPolicy Never) under the build's own tag (a rebuilt image rolls the
 * Deployment), Traefik ingress, and the Grafana password from the environment. Written to a 0600
 * file, never passed on a command line.
 */
export function applianceValues(cfg: BootConfig, pins: Pins, apiRef: string) {
  const bundled = (ref: string) => ({ ...imageParts(ref), pullPolicy: 'IfNotPresent' });
  return {
    fastapi: { image_name: apiRef, pullPolicy: 'Never', replicas: 2 },
    postgresql: { image: bundled(pins.POSTGRES_IMAGE) },
    prometheus: { image: bundled(pins.PROMETHEUS_IMAGE) },
    grafana: { image: bundled(pins.GRAFANA_IMAGE), adminUser: 'admin', adminPassword: cfg.grafanaPassword, rootUrl: publicUrls(cfg.hostPort).grafana },
    ingress: { enabled: true, className: 'traefik' },
  };
}

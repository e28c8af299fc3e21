import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pins } from './pins.ts';

/**
 * The images bundled at build time (Dockerfile.cluster writes exactly these files).
 * `docker/`: loaded into the inner dockerd (k3d runs them as containers).
 * `k3s/`:    mounted into the node at /var/lib/rancher/k3s/agent/images, which k3s imports at boot.
 */
export type BundledImage = { file: string; ref?: string; into: 'docker' | 'k3s' };

export function bundledImages(pins: Pins, arch: string, apiRef = pins.API_IMAGE): BundledImage[] {
  return [
    { file: 'docker/rancher-k3s.tar', ref: pins.K3S_IMAGE, into: 'docker' },
    { file: 'docker/k3d-tools.tar', ref: pins.K3D_TOOLS_IMAGE, into: 'docker' },
    { file: `k3s/k3s-airgap-images-${arch}.tar.zst`, into: 'k3s' },
    { file: 'k3s/postgres.tar', ref: pins.POSTGRES_IMAGE, into: 'k3s' },
    { file: 'k3s/prometheus.tar', ref: pins.PROMETHEUS_IMAGE, into: 'k3s' },
    { file: 'k3s/grafana.tar', ref: pins.GRAFANA_IMAGE, into: 'k3s' },
    { file: 'k3s/wiki-api.tar', ref: apiRef, into: 'k3s' },
  ];
}

export const bundlePath = (imagesDir: string, img: BundledImage) => join(imagesDir, img.file);

/** Written at build time beside the archive: the API reference carrying the build's identity. */
export const API_REF_FILE = 'wiki-api.ref';

/** The API reference this image deploys: the build's (`0.1.0-<config digest>`), or the pin from a checkout. */
export function apiImageRef(imagesDir: string, pins: Pins): string {
  const file = join(imagesDir, API_REF_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : pins.API_IMAGE;
}

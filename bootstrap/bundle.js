import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export function bundledImages(pins, arch, apiRef = pins.API_IMAGE) {
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
export const bundlePath = (imagesDir, img) => join(imagesDir, img.file);
/** Written at build time beside the archive: the API reference carrying the build's identity. */
export const API_REF_FILE = 'wiki-api.ref';
/** The API reference this image deploys: the build's (`0.1.0-<config digest>`), or the pin from a checkout. */
export function apiImageRef(imagesDir, pins) {
    const file = join(imagesDir, API_REF_FILE);
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : pins.API_IMAGE;
}

/**
 * The dashboard the chart ships (chart/dashboards/creation.json; urls.test.ts checks its uid and
 * title against it), and where a user reaches the appliance through the host's published port.
 */
export const DASHBOARD = { uid: 'creation-dashboard-678', title: 'Creation', slug: 'creation' } as const;

export function publicUrls(hostPort: number) {
  const base = `http://localhost:${hostPort}`;
  return {
    users: `${base}/users`, docs: `${base}/docs`, metrics: `${base}/metrics`,
    grafana: `${base}/grafana/`, dashboard: `${base}/grafana/d/${DASHBOARD.uid}/${DASHBOARD.slug}`,
  };
}

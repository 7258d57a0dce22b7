// The committed Grafana dashboards and provisioning: valid JSON, fixed unique uids, the variables the
// queries use, datasources that provisioning defines, and no drift from the generator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DASHBOARDS } from '../grafana/src/build.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const DIR = join(ROOT, 'grafana', 'dashboards');

interface Dash {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string }[] };
  panels: { id: number; type: string; title: string; datasource?: { type: string; uid: string }; targets?: { expr?: string; datasource?: { uid: string } }[] }[];
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards = files.map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Dash] as const);
const provisioned = parseYaml(readFileSync(join(ROOT, 'grafana/provisioning/datasources/hotpath.yaml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string; jsonData?: Record<string, unknown> }[];
};

describe('grafana dashboards', () => {
  test('the five dashboards are committed exactly as the generator writes them', () => {
    assert.deepEqual(files, Object.keys(DASHBOARDS).sort());
    for (const [f, dash] of dashboards) assert.deepEqual(dash, DASHBOARDS[f], `${f} is stale: node --import tsx grafana/src/build.ts`);
  });

  test('have fixed, unique uids matching their file names, and a recent schemaVersion', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const [f, d] of dashboards) {
      assert.equal(`${d.uid}.json`, f);
      assert.ok(d.schemaVersion >= 39);
    }
    assert.deepEqual(uids.sort(), ['hotpath-collector', 'hotpath-endpoint', 'hotpath-findings', 'hotpath-overview', 'hotpath-queries']);
  });

  test('define every variable their queries use, with $datasource on every dashboard', () => {
    for (const [f, d] of dashboards) {
      const names = new Set(d.templating.list.map((v) => v.name));
      assert.ok(names.has('datasource'), f);
      const used = new Set(JSON.stringify(d.panels).match(/\$(?!__)\w+/g)?.map((m) => m.slice(1)));
      for (const u of used) assert.ok(names.has(u), `${f} uses $${u} without defining it`);
    }
    const withRoute = dashboards.filter(([, d]) => d.templating.list.some((v) => v.name === 'route')).map(([f]) => f);
    assert.deepEqual(withRoute, ['hotpath-endpoint.json', 'hotpath-findings.json']);
  });

  test('panel ids are unique within a dashboard and every non-row panel has a query', () => {
    for (const [f, d] of dashboards) {
      assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length, f);
      for (const p of d.panels.filter((x) => x.type !== 'row')) assert.ok((p.targets ?? []).length > 0, `${f} > ${p.title}`);
    }
  });

  test('reference only datasources that provisioning defines', () => {
    const uids = new Set(provisioned.datasources.map((d) => d.uid));
    for (const [f, d] of dashboards) {
      for (const p of d.panels) {
        const uid = p.datasource?.uid;
        if (uid !== undefined && !uid.startsWith('$')) assert.ok(uids.has(uid), `${f} > ${p.title}: ${uid}`);
      }
    }
  });
});

describe('grafana provisioning', () => {
  test('links Prometheus exemplars to a provisioned trace datasource', () => {
    const prom = provisioned.datasources.find((d) => d.type === 'prometheus');
    const dests = (prom?.jsonData?.exemplarTraceIdDestinations ?? []) as { name: string; datasourceUid?: string }[];
    assert.ok(dests.every((d) => d.name === 'trace_id'));
    const traceUid = dests.find((d) => d.datasourceUid !== undefined)?.datasourceUid;
    assert.equal(provisioned.datasources.find((d) => d.uid === traceUid)?.type, 'jaeger');
  });

  test('points the Infinity datasource at the collector API and allows only that host', () => {
    const api = provisioned.datasources.find((d) => d.type === 'yesoreyeram-infinity-datasource');
    assert.equal(api?.url, 'http://collector:9464');
    assert.deepEqual(api?.jsonData?.allowedHosts, ['http://collector:9464']);
  });

  test('loads dashboards from the folder docker-compose mounts them into', () => {
    const providers = parseYaml(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/hotpath.yaml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const path = providers.providers[0]!.options.path;
    assert.ok(compose.includes(`./grafana/dashboards:${path}:ro`));
  });
});

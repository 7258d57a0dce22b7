// docker-compose.yml checked without a Docker engine: the compose-spec JSON schema (the copy of
// compose-spec/compose-spec's schema, Apache-2.0, that the npm package dclint ships and validates with),
// pinned images, healthcheck-gated dependencies, named volumes, and mounts that exist.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const require = createRequire(import.meta.url);
const schema = JSON.parse(
  readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8'),
) as object;

function validator(): (doc: unknown) => string[] {
  // Its `$schema` is draft-07 by the https:// URI, which Ajv (draft-07 by default) registers under
  // http://; validating the schema against its meta-schema is all that the option turns off.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

interface Service {
  image?: string;
  build?: unknown;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: (string | { type: string; source?: string })[];
  environment?: Record<string, string>;
}
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, { name?: string }>;
};
const services = Object.entries(compose.services);

/** A tag that names a release: present, not `latest`, with at least major.minor. */
function pinned(ref: string): boolean {
  const m = /^(?:[^/]+\/)*[^/:@]+:([^@]+)$/.exec(ref);
  return m !== null && m[1] !== 'latest' && /\d+\.\d+/.test(m[1]!);
}

describe('docker-compose.yml', () => {
  test('conforms to the compose specification schema', () => {
    assert.deepEqual(validator()(compose), []);
  });

  test('the schema check rejects what compose would reject', () => {
    const validate = validator();
    const ok = { services: { x: { image: 'a:1.0' } } };
    assert.deepEqual(validate(ok), []);
    const badCondition = validate({ services: { x: { image: 'a:1.0', depends_on: { y: { condition: 'when_ready' } } } } });
    assert.ok(badCondition.some((e) => e.startsWith('/services/x/depends_on')), badCondition.join('\n'));
    const unknownKey = validate({ services: { x: { image: 'a:1.0', healthcheck: { test: ['CMD', 'true'], every: '5s' } } } });
    assert.ok(unknownKey.some((e) => e.includes('"additionalProperty":"every"')), unknownKey.join('\n'));
  });

  test('pins every image, including the base images of the Dockerfiles', () => {
    for (const [name, s] of services) assert.ok(s.image !== undefined && pinned(s.image), `${name}: image ${String(s.image)} is not pinned`);
    for (const file of ['Dockerfile', 'services/django-demo/Dockerfile']) {
      const froms = readFileSync(join(ROOT, file), 'utf8').split('\n').filter((l) => l.startsWith('FROM '));
      assert.ok(froms.length > 0);
      for (const f of froms) assert.ok(pinned(f.split(/\s+/)[1]!), `${file}: ${f}`);
    }
    assert.ok(!pinned('redis') && !pinned('redis:latest') && !pinned('redis:7') && pinned('quay.io/prometheus/prometheus:v3.13.1'));
  });

  test('waits for healthy dependencies wherever the dependency has a healthcheck', () => {
    let edges = 0;
    for (const [name, s] of services) {
      if (s.depends_on === undefined) continue;
      assert.ok(!Array.isArray(s.depends_on), `${name}: short depends_on syntax cannot wait for health`);
      for (const [dep, { condition }] of Object.entries(s.depends_on)) {
        const target = compose.services[dep];
        assert.ok(target, `${name} depends on unknown ${dep}`);
        if (target.healthcheck?.test !== undefined) assert.equal(condition, 'service_healthy', `${name} -> ${dep}`);
        edges++;
      }
    }
    assert.ok(edges >= 6);
  });

  test('gives every long-running infrastructure service a healthcheck', () => {
    for (const name of ['collector', 'postgres', 'redis', 'demo', 'prometheus', 'grafana']) {
      assert.ok(compose.services[name]?.healthcheck?.test, `${name} has no healthcheck`);
    }
  });

  test('stores data in declared named volumes and mounts files that exist', () => {
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.source ?? '';
        if (source.startsWith('./')) assert.ok(existsSync(join(ROOT, source)), `${name}: ${source} missing`);
        else assert.ok(compose.volumes[source]?.name, `${name}: volume ${source} is not a declared named volume`);
      }
    }
  });

  test('preinstalls the Grafana plugins at pinned versions and wires the demo to the collector', () => {
    const plugins = compose.services.grafana?.environment?.GF_PLUGINS_PREINSTALL_SYNC ?? '';
    assert.match(plugins, /^yesoreyeram-infinity-datasource@\d+\.\d+\.\d+$/);
    assert.equal(compose.services.demo?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector:4317');
    assert.equal(compose.services.collector?.environment?.HOTPATH_LISTEN_HOST, '0.0.0.0');
    const promCfg = readFileSync(join(ROOT, 'prometheus/compose/prometheus.yml'), 'utf8');
    assert.match(promCfg, /collector:9464/);
  });
});

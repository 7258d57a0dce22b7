// The whole path on real OTLP bodies captured from the Django demo (collector/testdata/django):
// decode -> assemble -> analyse -> aggregate -> SQLite -> API. Figures come from the capture
// manifest, not from this code. The demo's local queries take fractions of a millisecond, so N+1
// runs in count-only mode (as in analyse/django-fixtures.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { AnalysedRequest } from '../../contract.js';
import { RequestAssembler } from '../../assemble/request-assembler.js';
import { analyseRequest } from '../../analyse/analyse-request.js';
import { resolveAnalysisConfig } from '../../analyse/analysis-config.js';
import { FingerprintCache } from '../../analyse/fingerprint/fingerprint-cache.js';
import { decodeProtoRequest } from '../../decode/index.js';
import { startTestApi } from './test-server.js';
import type { TestApi } from './test-server.js';

const ROOT = fileURLToPath(new URL('../../testdata/django/postgres/', import.meta.url));

interface Scenario {
  folder: string;
  method: string;
  path: string;
  status: number;
  expected_db_statements: number | null;
  trace_ids: string[];
  spans: number;
}

const manifest = JSON.parse(readFileSync(`${ROOT}manifest.json`, 'utf8')) as { scenarios: Scenario[] };
const scenario = (folder: string) => manifest.scenarios.find((s) => s.folder === folder)!;

function analyseAll(): AnalysedRequest[] {
  let now = 0;
  const out: AnalysedRequest[] = [];
  const config = resolveAnalysisConfig({ nPlusOne: { countOnly: true } });
  const fingerprints = new FingerprintCache();
  const asm = new RequestAssembler({}, (r) => out.push(analyseRequest(r, config, fingerprints)), () => now);
  for (const s of manifest.scenarios) {
    const dir = `${ROOT}${s.folder}/`;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.pb')).sort()) {
      asm.add(decodeProtoRequest(readFileSync(dir + f), { maxAttributeLength: 8192 }).spans);
    }
  }
  now += 60_000;
  asm.tick();
  return out;
}

let api: TestApi;
let requests: AnalysedRequest[];
before(async () => {
  requests = analyseAll();
  const nowMs = Math.max(...requests.map((r) => r.startMs)) + 60_000;
  api = await startTestApi({ nowMs, requests });
});
after(() => api.close());

type Endpoint = { method: string; route: string; count: number; errors: number; db_queries: number; share: number };

describe('API over the captured demo traffic', () => {
  test('lists each demo endpoint with its request count, errors and the DB statements the manifest expects', async () => {
    const { status, body } = await api.get('/api/v1/endpoints?service=django-demo&limit=100');
    assert.equal(status, 200);
    const byRoute = new Map<string, Endpoint>(body.endpoints.map((e: Endpoint) => [`${e.method} ${e.route}`, e]));
    const single = manifest.scenarios.filter((s) => s.folder !== 'warmup' && s.path !== '/books/count/' && s.expected_db_statements !== null);
    assert.ok(single.length >= 12);
    for (const s of single) {
      const e = byRoute.get(`${s.method} ${s.path.slice(1)}`);
      assert.ok(e, `${s.folder}: no endpoint ${s.path.slice(1)}`);
      // outbound calls /ping/ on the demo itself, so ping/ served two requests.
      assert.equal(e.count, s.folder === 'ping' ? 2 : 1, s.folder);
      assert.equal(e.errors, s.status >= 500 ? 1 : 0, s.folder);
      assert.equal(e.db_queries, s.expected_db_statements, s.folder);
    }
    const count = byRoute.get('GET books/count/')!;
    assert.equal(count.count, scenario('warmup').trace_ids.length + 1);
    const sum = body.endpoints.reduce((t: number, e: Endpoint) => t + e.share, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  });

  test('reports the N+1 finding with the captured trace as its sample', async () => {
    const { body } = await api.get('/api/v1/findings?type=n_plus_one&route=books%2Fn-plus-one%2F');
    assert.equal(body.findings.length, 1);
    assert.deepEqual(body.findings[0].sample_trace_ids, scenario('n-plus-one').trace_ids);
    assert.match(body.findings[0].suggestion, /select_related/);
  });

  test('ranks the per-row author query of the N+1 view at one call per book', async () => {
    const { body } = await api.get('/api/v1/queries?route=books%2Fn-plus-one%2F&sort=calls');
    const top = body.queries[0];
    assert.equal(top.calls, scenario('n-plus-one').expected_db_statements! - 1);
    assert.ok(top.tables.some((t: string) => t.endsWith('shop_author')), `tables ${top.tables}`);
    assert.equal(top.calls_per_request, top.calls);
    assert.doesNotMatch(top.normalized, /'|\d{2,}/, 'no literal values are stored');
  });

  test('returns the stored N+1 request with every span, its fingerprints and the finding marked', async () => {
    const s = scenario('n-plus-one');
    const { status, body } = await api.get(`/api/v1/requests/${s.trace_ids[0]}`);
    assert.equal(status, 200);
    assert.equal(body.spans.length, s.spans);
    const db = body.spans.filter((x: { category: string }) => x.category === 'db');
    assert.equal(db.length, s.expected_db_statements);
    assert.ok(db.every((x: { fingerprint: string | null }) => /^[0-9a-f]{16}$/.test(x.fingerprint ?? '')));
    const marked = db.filter((x: { finding_types: string[] }) => x.finding_types.includes('n_plus_one'));
    assert.equal(marked.length, s.expected_db_statements! - 1);
  });

  test('marks repeated identical queries as duplicates in the stored request', async () => {
    const s = scenario('duplicates');
    const { status, body } = await api.get(`/api/v1/requests/${s.trace_ids[0]}`);
    assert.equal(status, 200);
    assert.ok(body.spans.some((x: { duplicate: boolean }) => x.duplicate));
    assert.ok(body.findings.some((f: { type: string }) => f.type === 'duplicate_query'));
  });
});

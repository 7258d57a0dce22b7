// The whole read path (decode -> assemble -> classify/analyse) on real OTLP bodies captured from
// the demo app (collector/testdata/django/README.md). The demo runs on a local database, so its
// queries take fractions of a millisecond: N+1 uses the count-only mode and the template and
// middleware thresholds are lowered; everything else runs with the defaults.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnalysedRequest, FindingType } from '../contract.js';
import { decodeProtoRequest } from '../decode/index.js';
import { RequestAssembler } from '../assemble/request-assembler.js';
import { analyseRequest } from './analyse-request.js';
import { resolveAnalysisConfig } from './analysis-config.js';
import type { AnalysisConfigInput } from './analysis-config.js';
import { FingerprintCache } from './fingerprint/fingerprint-cache.js';

const ROOT = fileURLToPath(new URL('../testdata/django/', import.meta.url));

interface Scenario {
  scenario: string;
  folder: string;
  path: string;
  status: number;
  spans: number;
  spans_by_scope: Record<string, number>;
}

const DEMO_CFG: AnalysisConfigInput = { nPlusOne: { countOnly: true }, slowMiddleware: { thresholdMs: 20 }, slowTemplate: { thresholdMs: 1 } };

function run(db: string, folder: string, cfg: AnalysisConfigInput = DEMO_CFG): AnalysedRequest[] {
  let now = 0;
  const out: AnalysedRequest[] = [];
  const config = resolveAnalysisConfig(cfg);
  const fingerprints = new FingerprintCache();
  const asm = new RequestAssembler({}, (r) => out.push(analyseRequest(r, config, fingerprints)), () => now);
  const dir = `${ROOT}${db}/${folder}/`;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.pb')).sort()) {
    asm.add(decodeProtoRequest(readFileSync(dir + f), { maxAttributeLength: 8192 }).spans);
  }
  now += 2_000;
  asm.tick();
  assert.equal(asm.inFlight, 0);
  return out;
}

const only = (reqs: AnalysedRequest[]): AnalysedRequest => {
  assert.equal(reqs.length, 1);
  return reqs[0]!;
};
const types = (r: AnalysedRequest): FindingType[] => r.findings.map((f) => f.type);
const DB_SCOPES = ['opentelemetry.instrumentation.psycopg', 'opentelemetry.instrumentation.sqlite3'];

for (const db of readdirSync(ROOT).filter((d) => !d.includes('.'))) {
  const manifest = JSON.parse(readFileSync(`${ROOT}${db}/manifest.json`, 'utf8')) as { scenarios: Scenario[] };

  describe(`demo fixtures on ${db}`, () => {
    test('every scenario is one complete request per SERVER span, routed by http.route, with each DB span counted once', () => {
      for (const s of manifest.scenarios.filter((x) => x.folder !== 'warmup' && x.folder !== 'outbound')) {
        const r = only(run(db, s.folder));
        assert.equal(r.kind, 'request', s.folder);
        assert.equal(r.partial, false, s.folder);
        assert.equal(r.route, s.path.slice(1), s.folder);
        assert.equal(r.status, s.status, s.folder);
        assert.equal(r.spans.length, s.spans, s.folder);
        const dbSpans = DB_SCOPES.reduce((n, scope) => n + (s.spans_by_scope[scope] ?? 0), 0);
        assert.equal(r.breakdown.dbQueries, dbSpans, s.folder);
      }
    });

    test('the N+1 view fires with select_related(\'author\'); its select_related twin does not', () => {
      const [f, ...rest] = only(run(db, 'n-plus-one')).findings.filter((x) => x.type === 'n_plus_one');
      assert.equal(rest.length, 0);
      assert.equal(f?.occurrences, 25);
      assert.match(f!.suggestion, /select_related\('author'\)/);
      const fixed = only(run(db, 'select-related'));
      assert.deepEqual(types(fixed).filter((t) => t === 'n_plus_one' || t === 'duplicate_query'), []);
      assert.equal(fixed.breakdown.dbQueries, 1);
    });

    test('the many-to-many N+1 view fires with prefetch_related(\'tags\'); its prefetch twin does not', () => {
      const [f] = only(run(db, 'tags-n-plus-one')).findings.filter((x) => x.type === 'n_plus_one');
      assert.match(f!.suggestion, /prefetch_related\('tags'\)/);
      assert.deepEqual(types(only(run(db, 'prefetch'))).filter((t) => t === 'n_plus_one'), []);
    });

    test('the N+1 time threshold decides on the real run: it fires at its measured total and not above it', () => {
      // The captured run's non-overlapping total depends on the machine that recorded it, so the
      // threshold is set from it rather than assumed: just above it must not fire, at it must.
      const counted = only(run(db, 'n-plus-one')).findings.find((f) => f.type === 'n_plus_one');
      assert.ok(counted, 'count-only mode finds the N+1');
      const total = counted.totalMs;
      const above = only(run(db, 'n-plus-one', { nPlusOne: { minTotalMs: total + 0.01 } }));
      assert.deepEqual(types(above).filter((t) => t === 'n_plus_one'), []);
      const at = only(run(db, 'n-plus-one', { nPlusOne: { minTotalMs: total } }));
      assert.deepEqual(types(at).filter((t) => t === 'n_plus_one'), ['n_plus_one']);
    });

    test('repeated identical queries are duplicate_query, told apart by the parameter hash', () => {
      const r = only(run(db, 'duplicates', {}));
      assert.ok(types(r).includes('duplicate_query'));
      assert.ok(!types(r).includes('n_plus_one'));
    });

    test('the slow report fires slow_query at the default 500 ms; ping does not', () => {
      assert.deepEqual(types(only(run(db, 'slow-query', {}))), ['slow_query']);
      assert.deepEqual(types(only(run(db, 'ping', {}))), []);
    });

    test('the insert loop fires write_loop with bulk_create; its bulk_create twin does not', () => {
      const [f] = only(run(db, 'insert-loop', {})).findings.filter((x) => x.type === 'write_loop');
      assert.match(f!.suggestion, /bulk_create/);
      assert.deepEqual(types(only(run(db, 'bulk-create', {}))), []);
    });

    test('the cache-heavy view fires cache_heavy and counts each logical cache call once', () => {
      const r = only(run(db, 'cache-heavy', {}));
      assert.deepEqual(types(r), ['cache_heavy']);
      const b = r.breakdown;
      assert.equal(b.cacheHits + b.cacheMisses + b.cacheUnknown, r.findings[0]!.occurrences);
      assert.equal(b.dbQueries, 0);
    });

    test('the slow middleware is blamed by class; ping under the same threshold is not', () => {
      const [f] = only(run(db, 'slow-middleware')).findings.filter((x) => x.type === 'slow_middleware');
      assert.equal(f?.fingerprint, 'shop.middleware.SlowPrefixMiddleware');
      assert.deepEqual(types(only(run(db, 'ping'))), []);
    });

    test('template time is per template name, includes summed over their renders', () => {
      const r = only(run(db, 'template-heavy'));
      const cards = r.findings.find((x) => x.type === 'slow_template' && x.fingerprint === 'shop/includes/book_card.html');
      assert.equal(cards?.occurrences, 20);
      assert.ok(r.breakdown.templateMs <= r.breakdown.durationMs);
    });

    test('the failing view is an error with status 500', () => {
      const r = only(run(db, 'boom'));
      assert.deepEqual([r.error, r.status], [true, 500]);
      assert.ok(r.breakdown.errors >= 1);
    });

    test('a call to another worker of the same service gives two requests, the caller with outbound time', () => {
      const reqs = run(db, 'outbound');
      assert.deepEqual(reqs.map((r) => r.route).sort(), ['outbound/', 'ping/']);
      const caller = reqs.find((r) => r.route === 'outbound/')!;
      assert.ok(caller.breakdown.outboundMs > 0);
      assert.equal(new Set(reqs.map((r) => r.traceId)).size, 1);
    });
  });
}

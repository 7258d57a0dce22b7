// Benchmark (not a test): statements/s for uncached fingerprinting of realistic 100-300 char
// Django ORM SQL, and for cached lookups. Run: node --import tsx collector/analyse/fingerprint/fingerprint-speed.bench.ts

import { FingerprintCache } from './fingerprint-cache.js';
import { fingerprintSql } from './fingerprint-sql.js';
import { POSTGRES_CASES } from './django-orm-cases.js';
import { SQLITE_AND_COMMENTER_CASES } from './django-orm-cases-sqlite.js';

const BASE = [...POSTGRES_CASES, ...SQLITE_AND_COMMENTER_CASES]
  .map((c) => c.sql)
  .filter((s) => s.length >= 100 && s.length <= 300);
const DISTINCT = 20_000;
const ROUNDS = 5;

// Distinct texts (a varying table suffix) so the uncached pass really fingerprints each one.
const corpus = Array.from({ length: DISTINCT }, (_, i) => (BASE[i % BASE.length] as string).replaceAll('"blog_', `"b${i}_`));
const meanLen = corpus.reduce((n, s) => n + s.length, 0) / corpus.length;

function rate(label: string, count: number, fn: () => void): void {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(`${label}: ${Math.round(count / best).toLocaleString('en-US')} statements/s (best of ${ROUNDS}, ${count} statements)`);
}

console.log(`${BASE.length} base statements, mean length ${meanLen.toFixed(0)} chars, node ${process.version}`);
let sink = 0;
rate('uncached fingerprintSql', corpus.length, () => {
  for (const s of corpus) sink += fingerprintSql(s).tables.length;
});
const cache = new FingerprintCache(DISTINCT);
for (const s of corpus) cache.lookup(s);
rate('cached FingerprintCache.lookup', corpus.length * 10, () => {
  for (let r = 0; r < 10; r++) for (const s of corpus) sink += cache.lookup(s).tables.length;
});
const small = new FingerprintCache(DISTINCT / 4);
rate('FingerprintCache.lookup, cache 4x smaller than the working set (LRU thrash)', corpus.length, () => {
  for (const s of corpus) sink += small.lookup(s).tables.length;
});
if (sink < 0) console.log(sink);

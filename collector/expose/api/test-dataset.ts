// The shared API test dataset, small enough to know every expected figure by hand (see comments).
import type { AnalysedRequest } from '../../contract.js';
import { makeRequest } from '../../../storage/read/test-requests.js';
import type { TestQuery } from '../../../storage/read/test-requests.js';

export const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
export const FP_BOOKS = 'a1a1a1a1a1a1a1a1';
export const FP_BOOK = 'b2b2b2b2b2b2b2b2';
export const FP_POSTS = 'c3c3c3c3c3c3c3c3';
export const tid = (n: number): string => n.toString(16).padStart(32, '0');

const authorQuery = (ms: number): TestQuery => ({
  fingerprint: FP_BOOKS, normalized: 'SELECT * FROM author WHERE id = ?', tables: ['author'], ms,
});
const at = (minutesAgo: number, i = 0) => NOW - minutesAgo * 60_000 + i * 1000;

/**
 * shop 1.0, 30 min ago:  GET books/ x4 (100,200,300,400 ms; 3 author queries of 10 ms, 5 ms
 *   middleware, 20 ms template each; the 400 ms one has an N+1 finding) = 1000 ms;
 *   GET books/<int:pk>/ x2 (50, 150 ms; 1 query of 5 ms; the second is a 500) = 200 ms;
 *   POST cart/ x10 (30 ms; one cache hit of 1 ms and one miss of 2 ms) = 300 ms.
 * blog 2.0, 20 min ago:  GET posts/ x1 (500 ms, one 250 ms query: a slow query) = 500 ms.
 * All request time in the last 24 h: 2000 ms. shop 1.1, two days ago (only in 7d windows):
 *   GET books/ x2 (300, 500 ms; 5 author queries of 12 ms).
 */
export function dataset(): AnalysedRequest[] {
  const reqs: AnalysedRequest[] = [];
  [100, 200, 300, 400].forEach((ms, i) =>
    reqs.push(makeRequest({
      traceId: tid(1 + i), startMs: at(30, i), durationMs: ms, route: 'books/', middlewareMs: 5, templateMs: 20,
      queries: [authorQuery(10), authorQuery(10), authorQuery(10)],
      findings: ms === 400
        ? [{ type: 'n_plus_one', fingerprint: FP_BOOKS, occurrences: 3, totalMs: 30, spanIds: ['0000000000000003', '0000000000000004', '0000000000000005'], suggestion: "use select_related('author')" }]
        : [],
    })),
  );
  [50, 150].forEach((ms, i) =>
    reqs.push(makeRequest({
      traceId: tid(10 + i), startMs: at(30, 10 + i), durationMs: ms, route: 'books/<int:pk>/', status: i === 1 ? 500 : 200,
      queries: [{ fingerprint: FP_BOOK, normalized: 'SELECT * FROM book WHERE id = ?', tables: ['book'], ms: 5 }],
    })),
  );
  for (let i = 0; i < 10; i++) {
    reqs.push(makeRequest({
      traceId: tid(20 + i), startMs: at(30, 20 + i), durationMs: 30, method: 'POST', route: 'cart/',
      cache: [{ hit: true, ms: 1 }, { hit: false, ms: 2 }],
    }));
  }
  reqs.push(makeRequest({
    traceId: tid(40), startMs: at(20), durationMs: 500, service: 'blog', version: '2.0', route: 'posts/',
    queries: [{ fingerprint: FP_POSTS, normalized: 'SELECT * FROM post ORDER BY created DESC', tables: ['post'], ms: 250 }],
  }));
  [300, 500].forEach((ms, i) =>
    reqs.push(makeRequest({
      traceId: tid(50 + i), startMs: at(48 * 60, i), durationMs: ms, version: '1.1', route: 'books/',
      queries: [authorQuery(12), authorQuery(12), authorQuery(12), authorQuery(12), authorQuery(12)],
    })),
  );
  return reqs;
}

// How the queue hands spans to its consumer: whole exports, in slices per event-loop turn, bigger
// slices for a deep queue only while the consumer has room.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span } from '../contract.js';
import { makeSpan } from '../analyse/testing.js';
import { IngestQueue } from './ingest-queue.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fill(q: IngestQueue, exports: number): void {
  for (let i = 0; i < exports; i++) assert.equal(q.offer([makeSpan()]), true);
}

describe('IngestQueue', () => {
  test('a deep queue is handed over in bigger slices than the configured one', async () => {
    const got: Span[][] = [];
    const q = new IngestQueue({ maxSpans: 1000, sliceSpans: 4 }, (s) => got.push(s));
    fill(q, 64);
    await turn();
    assert.equal(got.length, 16); // depth 64: a quarter of it, within 8 x 4
  });

  test('near the consumer bound the slice stays the configured one, so the queue fills and refuses', async () => {
    const got: Span[][] = [];
    const q = new IngestQueue({ maxSpans: 64, sliceSpans: 4, consumerRoom: () => 0 }, (s) => got.push(s));
    fill(q, 64);
    assert.equal(q.offer([makeSpan()]), false);
    await turn();
    assert.equal(got.length, 4);
    q.drainNow();
    assert.equal(got.length, 64);
    assert.equal(q.size, 0);
  });
});

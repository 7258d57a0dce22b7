// Storage faults against the real collector process, each produced for real: a write lock held by
// another process (python3's sqlite3, BEGIN EXCLUSIVE), a full file system (a 2 MiB tmpfs filled up:
// SQLite's own SQLITE_FULL), a database file made read-only under the running process
// (chattr +i: root ignores file modes, not the immutable flag), and corrupt files at start-up.
// While a fault lasts: a clear error in the log and on /readyz, ingest refuses with a retryable
// 503 + Retry-After instead of accepting and dropping, /metrics keeps answering, no crash. When it
// clears: ready again by itself, the kept batches written; in the end every acknowledged request
// is stored exactly once. Needs root (mount, chattr), as on the project's CI machines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, spawnCollector, startCollector, tempDir, until, type CollectorProcess } from './collector-process.js';
import { holdWriteLock } from './sqlite-lock.js';
import { exportRequest, getText, metricSum, postJson, scrape, storedRequests } from './otlp-traffic.js';

const FAST = { HOTPATH_GRACE_MS: '0', HOTPATH_FLUSH_INTERVAL_MS: '200', HOTPATH_RETRY_AFTER_SECONDS: '1' };
let seq = 0;

/** Posts `n` complete requests with distinct routes; returns how many were acknowledged (0 or n). */
async function send(c: CollectorProcess, n: number): Promise<{ acked: number; status: number; retryAfter: string | null; body: string }> {
  const tag = seq++;
  const { body } = exportRequest(Array.from({ length: n }, (_, i) => ({ service: 'faults', route: `r${tag}/${i}/`, statement: `SELECT c${i} FROM t${tag}` })));
  const r = await postJson(c.otlpUrl, body);
  return { acked: r.status === 200 ? n : 0, ...r };
}

interface FaultResult {
  acked: number;
  refusal: { status: number; retryAfter: string | null; body: string };
  readyz: { status: number; body: string };
  metricsStatus: number;
  storageErrors: number;
}

/** Injects a fault, sends until ingest refuses, records what the collector shows, clears it. */
async function underFault(c: CollectorProcess, inject: () => Promise<void> | void, clear: () => Promise<void> | void): Promise<FaultResult> {
  let acked = (await send(c, 5)).acked;
  await inject();
  let refusal: FaultResult['refusal'] | null = null;
  for (let i = 0; i < 100 && refusal === null; i++) {
    const r = await send(c, 100);
    acked += r.acked;
    if (r.status !== 200) refusal = r;
    else await sleep(50);
  }
  assert.ok(refusal !== null, 'ingest started refusing while storage failed');
  const readyz = await getText(`${c.apiUrl}/readyz`);
  const metrics = await getText(`${c.apiUrl}/metrics`);
  await clear();
  await until(async () => (await getText(`${c.apiUrl}/readyz`)).status === 200, 10_000, '/readyz 200 after the fault cleared');
  const after = await send(c, 5);
  assert.equal(after.status, 200, 'ingest accepts again');
  return {
    acked: acked + after.acked,
    refusal,
    readyz: { status: readyz.status, body: readyz.body },
    metricsStatus: metrics.status,
    storageErrors: metricSum(metrics.body, 'hotpath_storage_errors_total'),
  };
}

function assertFault(r: FaultResult, code: RegExp): void {
  assert.equal(r.refusal.status, 503, 'refused with 503 (retryable), not accepted and dropped');
  assert.equal(r.refusal.retryAfter, '1', 'with Retry-After');
  assert.match(r.refusal.body, code, 'the refusal names the storage error');
  assert.equal(r.readyz.status, 503);
  assert.match(r.readyz.body, code, '/readyz names the storage error');
  assert.equal(r.metricsStatus, 200, '/metrics still served');
  assert.ok(r.storageErrors > 0, 'hotpath_storage_errors_total counts the failure');
}

describe('storage faults at run time (one collector process through every fault)', () => {
  let c: CollectorProcess;
  let acked = 0;
  before(async () => {
    c = await startCollector({ env: FAST });
  });
  after(async () => {
    await c?.dispose();
  });

  test('database locked by another process: 503 SQLITE_BUSY while held, recovery when released', async () => {
    let lock: Awaited<ReturnType<typeof holdWriteLock>> | null = null;
    const r = await underFault(c, async () => void (lock = await holdWriteLock(c.dbPath)), () => lock!.release());
    acked += r.acked;
    assertFault(r, /SQLITE_BUSY: database is locked/);
  });

  test('database file made read-only under the process: 503 with the I/O error, recovery when writable', async () => {
    const files = [c.dbPath, `${c.dbPath}-wal`];
    const r = await underFault(c, () => void execFileSync('chattr', ['+i', ...files]), () => void execFileSync('chattr', ['-i', ...files]));
    acked += r.acked;
    assertFault(r, /SQLITE_(READONLY|IOERR|CANTOPEN)/);
  });

  test('the errors are in the log with their SQLite code, and so is the recovery', () => {
    const log = c.output();
    assert.match(log, /"level":50.*"code":"SQLITE_BUSY".*storage write failed/);
    assert.match(log, /"level":50.*"code":"SQLITE_IOERR[A-Z_]*".*storage write failed/);
    assert.equal(log.match(/storage writes recovered/g)?.length, 2);
  });

  test('no crash, and after SIGTERM every acknowledged request is stored exactly once', async () => {
    assert.deepEqual(await c.stop('SIGTERM'), { code: 0, signal: null }, c.output().slice(-2000));
    assert.equal(storedRequests(c.dbPath, 'faults'), acked);
  });
});

describe('disk full (a real 2 MiB tmpfs)', () => {
  let mnt = '';
  let c: CollectorProcess;
  before(async () => {
    mnt = tempDir('tmpfs').dir;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`this test needs to mount a tmpfs (run as root, as CI does): ${(e as Error).message}`);
    }
    c = await startCollector({ env: FAST, dbPath: join(mnt, 'hotpath.db') });
  });
  after(async () => {
    await c?.dispose();
    if (mnt !== '') {
      execFileSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  test('SQLITE_FULL: 503 and /readyz name it; freeing space recovers; nothing acknowledged is lost', async () => {
    const filler = join(mnt, 'filler');
    const fill = (): void => {
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
    };
    const r = await underFault(c, fill, () => rmSync(filler));
    assertFault(r, /SQLITE_FULL: database or disk is full/);
    assert.deepEqual(await c.stop('SIGTERM'), { code: 0, signal: null }, c.output().slice(-2000));
    assert.equal(storedRequests(c.dbPath, 'faults'), r.acked);
  });
});

describe('storage failing at shutdown', () => {
  test('SIGTERM while the database is locked: shutdown retries, and writes everything once the lock goes', async () => {
    const c = await startCollector({ env: FAST });
    try {
      const lock = await holdWriteLock(c.dbPath);
      const acked = (await send(c, 20)).acked;
      const exit = c.stop('SIGTERM');
      await sleep(1500);
      await lock.release();
      assert.deepEqual(await exit, { code: 0, signal: null }, c.output().slice(-2000));
      assert.equal(storedRequests(c.dbPath, 'faults'), acked);
    } finally {
      await c.dispose();
    }
  });

  test('SIGTERM while the lock is never released: exit 1 and an error naming the unwritten batches, not a silent 0', async () => {
    const c = await startCollector({ env: FAST });
    const lock = await holdWriteLock(c.dbPath);
    try {
      assert.equal((await send(c, 20)).status, 200);
      assert.deepEqual(await c.stop('SIGTERM'), { code: 1, signal: null });
      assert.match(c.output(), /exiting with \d+ aggregate batch\(es\) unwritten: SQLITE_BUSY/);
    } finally {
      await lock.release();
      await c.dispose();
    }
  });
});

describe('corrupt database file at start-up', () => {
  const cases: Array<[string, (path: string) => Promise<void> | void, RegExp]> = [
    ['a file that is not a database', (p) => writeFileSync(p, Buffer.alloc(16_384, 0x41)), /file is not a database/],
    [
      'a database whose schema b-tree page is overwritten',
      async (p) => {
        const c = await startCollector({ dbPath: p });
        await c.stop('SIGTERM');
        const fd = openSync(p, 'r+');
        // Page 1 after the 100-byte file header: the b-tree page of sqlite_schema.
        writeSync(fd, Buffer.alloc(3996, 0xff), 0, 3996, 100);
        closeSync(fd);
      },
      /database disk image is malformed/,
    ],
  ];
  for (const [label, make, message] of cases) {
    test(`${label}: refuses to start with exit code 1 and a one-line message, no stack trace on stderr`, async () => {
      const { dir, remove } = tempDir('corrupt');
      try {
        const path = join(dir, 'hotpath.db');
        await make(path);
        const p = spawnCollector({ dbPath: path });
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
        const exit = await p.exited;
        clearTimeout(timer);
        assert.deepEqual(exit, { code: 1, signal: null }, p.output());
        const stderr = p.output().split('\n').filter((l) => l.startsWith('hotpath: '));
        assert.equal(stderr.length, 1, p.output());
        assert.match(stderr[0]!, new RegExp(`^hotpath: cannot open database .*(${message.source})`));
        assert.doesNotMatch(p.output(), /uncaught exception|^\s+at /m);
      } finally {
        remove();
      }
    });
  }
});

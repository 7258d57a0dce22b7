// Temp-directory SQLite files for storage tests: real files, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempDbPath(t: TestContext, name = 'hotpath.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nested', name);
}

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHotpathError } from '../../collector/errors.js';
import { buildCli } from './cli.js';
import { startTestServer } from './test-server.js';

async function run(args: string[]): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  await buildCli((l) => lines.push(l), () => undefined).parseAsync(['node', 'cli', ...args]);
  assert.equal(lines.length, 1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('loadgen CLI', () => {
  test('demo drives the base URL with the given mix and count', async () => {
    const server = await startTestServer();
    try {
      const out = await run(['demo', '--base-url', server.url, '--rate', '500', '--count', '7', '--mix', '/books/n-plus-one/=1']);
      assert.equal(out.command, 'demo');
      assert.equal(out.sent, 7);
      assert.equal(server.hits.get('/books/n-plus-one/'), 7);
    } finally {
      await server.close();
    }
  });

  test('synthetic sends traces to the endpoint with the chosen options', async () => {
    const server = await startTestServer();
    try {
      const out = await run(['synthetic', '--endpoint', server.url, '--protocol', 'http/json', '--rate', '500', '--count', '3',
        '--db-spans', '10-10', '--cache-spans', '0', '--middleware-spans', '1']);
      assert.equal(out.requests, 3);
      assert.equal(out.spans, 3 * (1 + 1 + 1 + 10));
      assert.ok(server.received.length >= 1);
    } finally {
      await server.close();
    }
  });

  test('refuses a non-loopback base URL without --allow-remote', async () => {
    await assert.rejects(run(['demo', '--base-url', 'http://203.0.113.5:8000', '--count', '1']), (e) => isHotpathError(e) && e.code === 'CONFIG_INVALID');
  });

  test('rejects malformed numbers at parse time', async () => {
    await assert.rejects(run(['synthetic', '--rate', '0']), /must be a number > 0/);
    await assert.rejects(run(['synthetic', '--db-spans', '9-3']), /MAX must be >= MIN/);
  });
});

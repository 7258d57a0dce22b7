import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, helpText, redactedConfig, type HotpathConfig } from './load-config.js';
import { HotpathError } from '../errors.js';
import { SETTINGS } from './settings.js';

function load(argv: string[] = [], env: Record<string, string> = {}, files: Record<string, string> = {}): HotpathConfig {
  const r = loadConfig({
    argv,
    env,
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error('ENOENT: no such file');
      return f;
    },
  });
  assert.equal(r.kind, 'config');
  return (r as { config: HotpathConfig }).config;
}

function loadError(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): HotpathError {
  try {
    load(argv, env, files);
  } catch (e) {
    assert.ok(e instanceof HotpathError);
    assert.equal(e.code, 'CONFIG_INVALID');
    return e;
  }
  assert.fail('expected a configuration error');
}

describe('loadConfig', () => {
  test('defaults listen on loopback with the OTLP and API ports of the issue', () => {
    const c = load();
    assert.equal(c.listen.host, '127.0.0.1');
    assert.equal(c.otlp.grpcPort, 4317);
    assert.equal(c.otlp.httpPort, 4318);
    assert.equal(c.api.port, 9464);
    assert.equal(c.storage.path, './data/hotpath.db');
    assert.equal(c.ingest.maxBodyBytes, 20 * 1024 * 1024);
    assert.equal(c.ingest.maxDecompressedBytes, 64 * 1024 * 1024);
    assert.equal(c.storage.storeRawSql, false);
  });

  test('env overrides the file and the CLI overrides env', () => {
    const files = { 'h.yaml': 'otlp:\n  httpPort: 5000\n  grpcPort: 5001\napi:\n  port: 5002\n' };
    const c = load(['--config', 'h.yaml', '--otlp-http-port', '6000'], { HOTPATH_OTLP_GRPC_PORT: '7001' }, files);
    assert.equal(c.otlp.httpPort, 6000);
    assert.equal(c.otlp.grpcPort, 7001);
    assert.equal(c.api.port, 5002);
  });

  test('the config file can be named by HOTPATH_CONFIG', () => {
    const c = load([], { HOTPATH_CONFIG: 'x.yaml' }, { 'x.yaml': 'storage:\n  path: /var/lib/hotpath.db\n' });
    assert.equal(c.storage.path, '/var/lib/hotpath.db');
  });

  test('the env names scripts and the compose file rely on are all read', () => {
    const c = load([], {
      HOTPATH_LISTEN_HOST: '0.0.0.0',
      HOTPATH_OTLP_GRPC_PORT: '1',
      HOTPATH_OTLP_HTTP_PORT: '2',
      HOTPATH_API_PORT: '3',
      HOTPATH_DB: 'x.db',
      HOTPATH_API_TOKEN: 'a',
      HOTPATH_INGEST_TOKEN: 'b',
    });
    assert.deepEqual(
      [c.listen.host, c.otlp.grpcPort, c.otlp.httpPort, c.api.port, c.storage.path, c.api.token, c.ingest.token],
      ['0.0.0.0', 1, 2, 3, 'x.db', 'a', 'b'],
    );
  });

  test('an invalid value is refused with the setting that carried it', () => {
    const e = loadError([], { HOTPATH_API_PORT: 'eighty' });
    assert.match(e.message, /HOTPATH_API_PORT/);
    const e2 = loadError(['--otlp-grpc-port', '70000']);
    assert.match(e2.message, /--otlp-grpc-port/);
  });

  test('unknown flags and unknown file keys are refused, not ignored', () => {
    assert.match(loadError(['--no-such-flag', '1']).message, /no-such-flag/);
    assert.match(loadError(['--config', 'c.yaml'], {}, { 'c.yaml': 'otlp:\n  grpcPrt: 1\n' }).message, /otlp\.grpcPrt/);
  });

  test('a missing or malformed config file is a clear error', () => {
    assert.match(loadError(['--config', 'missing.yaml']).message, /cannot read config file missing\.yaml/);
    assert.match(loadError(['--config', 'bad.yaml'], {}, { 'bad.yaml': 'a: [1,' }).message, /not valid YAML/);
  });

  test('booleans accept the usual spellings', () => {
    assert.equal(load([], { HOTPATH_STORE_RAW_SQL: 'true' }).storage.storeRawSql, true);
    assert.equal(load([], { HOTPATH_STORE_RAW_SQL: '0' }).storage.storeRawSql, false);
  });

  test('--help lists every setting with its env var and default, secrets hidden', () => {
    const r = loadConfig({ argv: ['--help'], env: {}, readFile: () => '' });
    assert.equal(r.kind, 'help');
    const text = helpText();
    for (const st of SETTINGS) {
      assert.ok(text.includes(st.flag), `help lacks ${st.flag}`);
      assert.ok(text.includes(st.env), `help lacks ${st.env}`);
    }
    assert.match(text, /default 4317/);
  });

  test('redaction hides tokens in the logged config', () => {
    const c = load([], { HOTPATH_API_TOKEN: 'sekret', HOTPATH_INGEST_TOKEN: 'other' });
    const shown = JSON.stringify(redactedConfig(c));
    assert.ok(!shown.includes('sekret') && !shown.includes('other'));
  });
});

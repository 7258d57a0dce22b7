// The end-to-end test: the real demo Django app (gunicorn under opentelemetry-instrument, OTLP/gRPC)
// on PostgreSQL and Redis when they run here (SQLite and LocMem otherwise, and it says which),
// the real collector as its own process, and a real Prometheus scraping it. Every demo view is
// driven, then the collector's API and Prometheus must show exactly what the views did.
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { freePort, start, stop, tail, waitUntil, type Proc } from './procs.js';
import { driveViews, runChecks, REQUESTS_PER_VIEW, type Ctx } from './checks.js';
import { checkPrometheus } from './prometheus.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const python = join(root, '.venv', 'bin', 'python');

function tcpAnswers(port: number, send?: string, expect?: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const sock = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolvePromise(ok);
    };
    sock.on('connect', () => (send ? sock.write(send) : done(true)));
    sock.on('data', (d) => done(expect === undefined || d.toString().startsWith(expect)));
    sock.on('error', () => done(false));
    sock.on('timeout', () => done(false));
  });
}

async function main(): Promise<number> {
  if (!existsSync(python)) throw new Error(`no virtualenv at ${python}: run scripts/setup-python.sh`);
  const promBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => existsSync(p));
  if (promBin === undefined) throw new Error('prometheus is not installed (apt-get install prometheus; .ci/run does this)');

  const postgres = await tcpAnswers(5432);
  const redis = await tcpAnswers(6379, 'PING\r\n', '+PONG');
  const backend = postgres && redis ? 'PostgreSQL 127.0.0.1:5432 + Redis 127.0.0.1:6379' : 'SQLite + LocMem (PostgreSQL/Redis not reachable)';
  console.log(`e2e: demo runs on ${backend}`);

  const dir = mkdtempSync(join(tmpdir(), 'hotpath-e2e-'));
  const [grpcPort, httpPort, apiPort, demoPort, promPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const procs: Proc[] = [];
  let failures = 1;
  try {
    const collector = start(
      'collector',
      // Started as npm start and the Docker image start it: node's flags come from bin/hotpath-node.
      join(root, 'bin', 'hotpath-node'),
      ['--import', 'tsx', join(root, 'collector', 'main.ts')],
      {
        ...process.env,
        HOTPATH_DB: join(dir, 'hotpath.db'),
        HOTPATH_OTLP_GRPC_PORT: String(grpcPort),
        HOTPATH_OTLP_HTTP_PORT: String(httpPort),
        HOTPATH_API_PORT: String(apiPort),
        HOTPATH_GRACE_MS: '500',
        HOTPATH_FLUSH_INTERVAL_MS: '500',
        // The demo's database is local: 25 lookups can take well under Sentry's 50 ms together, so
        // whether the default time threshold is passed depends on machine load. This run proves the
        // detection end to end; the threshold itself is tested on captured payloads
        // (collector/analyse/django-fixtures.test.ts). Count-only mode still needs 5 repeats.
        HOTPATH_N_PLUS_ONE_COUNT_ONLY: 'true',
      },
      join(dir, 'collector.log'),
      root,
    );
    procs.push(collector);
    const api = `http://127.0.0.1:${apiPort}`;
    await waitUntil('collector /readyz', 30_000, async () => ((await fetch(`${api}/readyz`)).ok ? true : undefined), [collector]);

    const demoEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_PORT: String(demoPort),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${grpcPort}`,
      OTEL_SERVICE_NAME: 'django-demo',
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=e2e-1,deployment.environment.name=test',
      DEMO_SQLITE_PATH: join(dir, 'demo.sqlite3'),
    };
    if (postgres && redis) {
      demoEnv['DATABASE_URL'] = 'postgres://postgres@127.0.0.1:5432/test';
      demoEnv['DEMO_DB_SCHEMA'] = 'hotpath_e2e';
      demoEnv['REDIS_URL'] = 'redis://127.0.0.1:6379/5';
    }
    const demo = start('demo', 'bash', [join(root, 'services', 'django-demo', 'run.sh')], demoEnv, join(dir, 'demo.log'), root);
    procs.push(demo);
    const base = `http://127.0.0.1:${demoPort}`;
    // Readiness is probed on the index page, which no check counts, so /ping/ counts stay exact.
    await waitUntil('demo to serve', 180_000, async () => ((await fetch(`${base}/`)).ok ? true : undefined), [demo, collector]);

    const prom = join(dir, 'prometheus.yml');
    writeFileSync(
      prom,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${join(root, 'prometheus', 'rules', '*.yml')}\nscrape_configs:\n  - job_name: hotpath\n    static_configs:\n      - targets: ['127.0.0.1:${apiPort}']\n`,
    );
    const prometheus = start(
      'prometheus',
      promBin,
      [`--config.file=${prom}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--enable-feature=exemplar-storage'],
      process.env,
      join(dir, 'prometheus.log'),
    );
    procs.push(prometheus);

    const ctx: Ctx = { api, base, postgres: postgres && redis, requests: REQUESTS_PER_VIEW };
    const results = await runChecks(ctx, procs);
    const promResults = await checkPrometheus(`http://127.0.0.1:${promPort}`, root, procs, () => driveViews(base, 1));
    const all = [...results, ...promResults];
    failures = all.filter((r) => !r.ok).length;
    for (const r of all) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.detail ? ` (${r.detail})` : ''}`);

    const code = await stop(collector);
    const cleanExit = code === 0;
    console.log(`  ${cleanExit ? 'ok  ' : 'FAIL'} collector exits 0 on SIGTERM after draining (exit ${code})`);
    if (!cleanExit) failures++;
    console.log(`e2e (${backend}): ${all.length + 1 - failures} passed, ${failures} failed`);
    if (failures > 0) for (const p of procs) console.log(`--- ${p.name} log (tail)\n${tail(p)}`);
    return failures === 0 ? 0 : 1;
  } catch (e) {
    console.error(`e2e: ${(e as Error).message}`);
    for (const p of procs) console.error(`--- ${p.name} log (tail)\n${tail(p)}`);
    return 1;
  } finally {
    for (const p of procs.reverse()) await stop(p);
    if (failures === 0) execFileSync('rm', ['-rf', dir]);
  }
}

main().then((code) => process.exit(code));

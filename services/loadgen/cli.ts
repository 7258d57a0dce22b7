// hotpath-loadgen: `synthetic` sends Django-shaped OTLP traces without Python; `demo` drives the
// Django demo app over HTTP. Run: node --import tsx services/loadgen/cli.ts --help

import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DRIVE, DEFAULT_MIX, driveDemo, parseMix } from './drive-demo.js';
import { DEFAULT_SYNTHETIC_RUN, runSynthetic } from './synthetic-run.js';
import type { OtlpHttpProtocol } from './synthetic-run.js';
import { DEFAULT_SYNTHETIC_OPTIONS } from './synthetic-traces.js';

const positive = (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('must be a number > 0');
  return n;
};
const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be an integer >= 0');
  return n;
};
const share = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be within [0, 1]');
  return n;
};
const range = (v: string): [number, number] => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (m === null) throw new InvalidArgumentError('must be N or MIN-MAX');
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo) throw new InvalidArgumentError('MAX must be >= MIN');
  return [lo, hi];
};

/** The CLI as a commander program; `write` receives the one-line JSON summary of each run, `writeErr` commander's errors. */
export function buildCli(
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  writeErr: (text: string) => void = (t) => process.stderr.write(t),
): Command {
  const d = DEFAULT_SYNTHETIC_OPTIONS;
  // exitOverride before the subcommands are added, so they inherit it: parse errors and --help
  // throw a CommanderError instead of exiting the process.
  const program = new Command('hotpath-loadgen')
    .description('Load generator for Hotpath: synthetic OTLP traces or HTTP load on the Django demo')
    .exitOverride()
    .configureOutput({ writeErr });

  program
    .command('synthetic')
    .description('send synthetic Django-shaped traces (request, middleware, DB, cache, template spans) over OTLP/HTTP')
    .option('--endpoint <url>', 'OTLP/HTTP base URL (spans go to <url>/v1/traces)', 'http://127.0.0.1:4318')
    .addOption(new Option('--protocol <protocol>', 'OTLP/HTTP encoding').choices(['http/protobuf', 'http/json']).default(DEFAULT_SYNTHETIC_RUN.protocol))
    .option('--rate <n>', 'requests per second', positive, 20)
    .option('--duration <seconds>', `stop after this many seconds (default ${DEFAULT_SYNTHETIC_RUN.durationSec} unless --count is given)`, positive)
    .option('--count <n>', 'stop after this many requests', count)
    .option('--routes <n>', 'distinct http.route values', count, d.routes)
    .option('--fingerprints <n>', 'distinct SQL fingerprints', count, d.fingerprints)
    .addOption(new Option('--db-spans <min-max>', 'DB spans per request').argParser(range).default([d.dbSpansMin, d.dbSpansMax], `${d.dbSpansMin}-${d.dbSpansMax}`))
    .option('--cache-spans <n>', 'cache spans per request', count, d.cacheSpans)
    .option('--middleware-spans <n>', 'nested middleware spans per request (max 6)', count, d.middlewareSpans)
    .option('--n-plus-one-share <x>', 'share of routes with an N+1 loop', share, d.nPlusOneShare)
    .option('--error-rate <x>', 'share of requests that fail with 500', share, d.errorRate)
    .option('--seed <n>', 'seed for reproducible traffic', count, d.seed)
    .option('--service <name>', 'service.name resource attribute', d.serviceName)
    .option('--allow-remote', 'allow a non-loopback endpoint', false)
    .action(async (o) => {
      const [dbSpansMin, dbSpansMax] = o.dbSpans as [number, number];
      const r = await runSynthetic({
        endpoint: o.endpoint, protocol: o.protocol as OtlpHttpProtocol, rate: o.rate, durationSec: o.duration, count: o.count,
        routes: o.routes, fingerprints: o.fingerprints, dbSpansMin, dbSpansMax, cacheSpans: o.cacheSpans,
        middlewareSpans: o.middlewareSpans, nPlusOneShare: o.nPlusOneShare, errorRate: o.errorRate, seed: o.seed,
        serviceName: o.service, allowRemote: o.allowRemote,
      });
      write(JSON.stringify({ command: 'synthetic', ...r }));
    });

  program
    .command('demo')
    .description('drive the Django demo app over HTTP with a weighted mix of paths')
    .option('--base-url <url>', 'demo app base URL', 'http://127.0.0.1:8000')
    .option('--rate <n>', 'requests per second', positive, 10)
    .option('--duration <seconds>', `stop after this many seconds (default ${DEFAULT_DRIVE.durationSec} unless --count is given)`, positive)
    .option('--count <n>', 'stop after this many requests', count)
    .option('--mix <spec>', 'weighted paths, e.g. "/books/n-plus-one/=4,/ping/=1" (default: every demo view)')
    .option('--max-in-flight <n>', 'open requests at most; ticks beyond are skipped', count, DEFAULT_DRIVE.maxInFlight)
    .option('--timeout <ms>', 'per-request timeout in ms', positive, DEFAULT_DRIVE.timeoutMs)
    .option('--seed <n>', 'seed for the path choice', count, DEFAULT_DRIVE.seed)
    .option('--allow-remote', 'allow a non-loopback base URL', false)
    .action(async (o) => {
      const r = await driveDemo({
        baseUrl: o.baseUrl, rate: o.rate, durationSec: o.duration, count: o.count,
        mix: o.mix === undefined ? DEFAULT_MIX : parseMix(o.mix as string), maxInFlight: o.maxInFlight,
        timeoutMs: o.timeout, seed: o.seed, allowRemote: o.allowRemote,
      });
      write(JSON.stringify({ command: 'demo', ...r }));
    });
  return program;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildCli().parseAsync(process.argv).catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode; // commander has printed the message or the help already
      return;
    }
    process.stderr.write(`hotpath-loadgen: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

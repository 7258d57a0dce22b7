// Drives the Django demo app over HTTP with a weighted mix of paths at a fixed rate. Always
// bounded: it stops after `count` requests or `durationSec` seconds, whichever comes first, and
// never has more than `maxInFlight` requests open (ticks that find the limit reached are skipped
// and counted, so a slow server lowers the offered load instead of piling up sockets).

import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { HotpathError } from '../../collector/errors.js';
import { checkTargetUrl } from './loopback.js';
import { seededRandom } from './synthetic-traces.js';

export interface MixEntry {
  path: string;
  weight: number;
}

export interface DriveOptions {
  baseUrl: string;
  mix: MixEntry[];
  /** Requests per second. */
  rate: number;
  /** Stop after this many seconds (default 30 when `count` is not given). */
  durationSec?: number;
  /** Stop after this many requests have been sent (skipped ticks do not count). */
  count?: number;
  maxInFlight?: number;
  timeoutMs?: number;
  allowRemote?: boolean;
  seed?: number;
  signal?: AbortSignal;
}

export interface DriveResult {
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  elapsedMs: number;
}

export const DEFAULT_DRIVE = { durationSec: 30, maxInFlight: 32, timeoutMs: 10_000, seed: 1 } as const;
const MAX_RATE = 10_000;

/** The demo app's views (services/django-demo/demo/urls.py) weighted towards the problem pages. */
export const DEFAULT_MIX: MixEntry[] = [
  { path: '/', weight: 2 }, { path: '/ping/', weight: 1 },
  { path: '/books/n-plus-one/', weight: 4 }, { path: '/books/select-related/', weight: 2 },
  { path: '/books/tags-n-plus-one/', weight: 2 }, { path: '/books/prefetch/', weight: 2 },
  { path: '/books/duplicates/', weight: 2 }, { path: '/books/len/', weight: 1 },
  { path: '/books/count/', weight: 1 }, { path: '/reports/slow/', weight: 1 },
  { path: '/cache/heavy/', weight: 2 }, { path: '/pages/template-heavy/', weight: 1 },
  { path: '/slow-mw/', weight: 1 }, { path: '/orders/insert-loop/', weight: 1 },
  { path: '/orders/bulk-create/', weight: 1 }, { path: '/boom/', weight: 1 },
];

/** `"/a/=3,/b/=1"` (weight defaults to 1) -> entries. */
export function parseMix(spec: string): MixEntry[] {
  const entries = spec.split(',').map((s) => s.trim()).filter((s) => s !== '').map((part) => {
    const eq = part.lastIndexOf('=');
    const path = eq === -1 ? part : part.slice(0, eq);
    const weight = eq === -1 ? 1 : Number(part.slice(eq + 1));
    if (!path.startsWith('/')) throw new HotpathError('CONFIG_INVALID', `mix path must start with /: ${path}`);
    if (!(weight > 0 && Number.isFinite(weight))) throw new HotpathError('CONFIG_INVALID', `mix weight must be > 0: ${part}`);
    return { path, weight };
  });
  if (entries.length === 0) throw new HotpathError('CONFIG_INVALID', 'mix is empty');
  return entries;
}

function picker(mix: MixEntry[], rand: () => number): () => string {
  const total = mix.reduce((s, e) => s + e.weight, 0);
  return () => {
    let x = rand() * total;
    for (const e of mix) {
      x -= e.weight;
      if (x < 0) return e.path;
    }
    return (mix[mix.length - 1] as MixEntry).path;
  };
}

export async function driveDemo(opts: DriveOptions): Promise<DriveResult> {
  const base = checkTargetUrl(opts.baseUrl, opts.allowRemote ?? false);
  if (!(opts.rate > 0 && opts.rate <= MAX_RATE)) throw new HotpathError('CONFIG_INVALID', `rate must be in (0, ${MAX_RATE}]`);
  if (opts.mix.length === 0) throw new HotpathError('CONFIG_INVALID', 'mix is empty');
  const count = opts.count ?? Infinity;
  const durationMs = (opts.durationSec ?? (opts.count === undefined ? DEFAULT_DRIVE.durationSec : Infinity)) * 1000;
  const maxInFlight = opts.maxInFlight ?? DEFAULT_DRIVE.maxInFlight;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DRIVE.timeoutMs;
  const pick = picker(opts.mix, seededRandom(opts.seed ?? DEFAULT_DRIVE.seed));
  const result: DriveResult = { sent: 0, ok: 0, failed: 0, skipped: 0, byPath: {}, byStatus: {}, elapsedMs: 0 };
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const interval = 1000 / opts.rate;

  const send = async (path: string): Promise<void> => {
    try {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      await res.arrayBuffer(); // drain so the keep-alive socket is reused
      result.byStatus[res.status] = (result.byStatus[res.status] ?? 0) + 1;
      if (res.status < 500) result.ok++;
      else result.failed++;
    } catch {
      result.byStatus.error = (result.byStatus.error ?? 0) + 1;
      result.failed++;
    }
  };

  for (let tick = 0; ; tick++) {
    // Offsets from tick arithmetic, not (due - start): with start ~1e5 ms the subtraction can
    // round below durationMs and add one tick past the bound.
    const offset = tick * interval;
    if (offset >= durationMs || result.sent >= count || opts.signal?.aborted) break;
    const due = start + offset;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
    else await setImmediate(); // behind schedule: let responses complete and free their slots
    if (opts.signal?.aborted) break;
    if (inFlight.size >= maxInFlight) {
      result.skipped++;
      continue;
    }
    const path = pick();
    result.sent++;
    result.byPath[path] = (result.byPath[path] ?? 0) + 1;
    const p: Promise<void> = send(path).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  result.elapsedMs = performance.now() - start;
  return result;
}

// AssembledRequest -> AnalysedRequest: classify every span, fingerprint SQL, mark duplicates,
// compute the breakdown and run the detectors. Pure apart from the fingerprint cache, and linear
// in the request's spans except for one sort by start time.

import type { AnalysedRequest, AnalysedSpan, AssembledRequest, Span } from '../contract.js';
import { StatusCode } from '../contract.js';
import { classifySpan, DJANGO_SCOPE } from '../classify/classify-span.js';
import { resolveRequestSpan } from '../classify/resolve-request-span.js';
import type { AnalysisConfig } from './analysis-config.js';
import { computeBreakdown } from './breakdown.js';
import { runDetectors } from './detectors/index.js';
import type { FingerprintCache } from './fingerprint/fingerprint-cache.js';
import { RepeatIndex } from './repeat-index.js';
import { buildSpanTree, CATEGORY_BIT } from './span-tree.js';

export const BACKGROUND_ROUTE = '__background__';
/** Route of a non-Django server span without http.route: its name holds the raw path (§8 rule 1). */
export const UNROUTED = '__unrouted__';

const repeats = new RepeatIndex();

export function analyseRequest(req: AssembledRequest, cfg: AnalysisConfig, fingerprints: FingerprintCache): AnalysedRequest {
  const ordered = byStart(req.spans);
  const spans: AnalysedSpan[] = ordered.map((span) => ({ span, category: classifySpan(span), sql: null, duplicate: false }));

  let request: Span | null = null;
  let envelope: Span | null = null;
  if (req.root !== null) ({ request, envelope } = resolveRequestSpan(req.root, ordered));
  // Exactly one span per request is the request: the envelope and any nested server span are not.
  for (const a of spans) if (a.category === 'request' && a.span !== request) a.category = 'other';
  const rootCategory = request === null ? 'other' : classifySpan(request);
  const kind: AnalysedRequest['kind'] = rootCategory === 'request' ? 'request' : rootCategory === 'task' ? 'task' : 'background';
  if (kind === 'background') request = null;

  const tree = buildSpanTree(spans, request, envelope);
  repeats.reset(spans, spans.length);
  for (let i = 0; i < spans.length; i++) {
    const a = spans[i]!;
    if (a.category !== 'db') continue;
    // SQL run by a cache call (DatabaseCache) is part of that call (hotpath-django CONVENTIONS.md).
    if ((tree.ancestorMask[i]! & CATEGORY_BIT.cache) !== 0) {
      a.category = 'cache';
      continue;
    }
    if (a.span.dbStatement === '') continue;
    a.sql = fingerprints.lookup(a.span.dbStatement);
    if (a.span.dbParamsHash !== '') a.duplicate = repeats.repeats(i, a.sql.fingerprint, a.span.dbParamsHash);
  }
  repeats.release();
  const times = computeBreakdown(tree);
  const head = request ?? ordered[0] ?? null;
  const route = kind === 'request' ? requestRoute(request!) : kind === 'task' ? taskRoute(request!) : BACKGROUND_ROUTE;
  const method = request?.httpMethod ?? '';
  const status = request === null ? 0 : request.httpStatus || (envelope?.httpStatus ?? 0);
  const findings = runDetectors({
    kind,
    service: req.resource.serviceName,
    method,
    route,
    traceId: req.traceId,
    tree,
    times,
    cfg,
  });
  return {
    kind,
    traceId: req.traceId,
    spanId: request?.spanId ?? '',
    resource: req.resource,
    method,
    route,
    status,
    error: request !== null && (isError(request) || status >= 500 || (envelope !== null && isError(envelope))),
    startMs: head?.startMs ?? 0,
    partial: req.partial,
    spans,
    breakdown: times.breakdown,
    findings,
  };
}

function isError(span: Span): boolean {
  return span.statusCode === StatusCode.ERROR || span.hasException;
}

/** http.route, else the span name after the method ("GET books/<int:pk>/" -> "books/<int:pk>/"). */
export function requestRoute(span: Span): string {
  if (span.httpRoute !== '') return span.httpRoute;
  if (span.scope !== DJANGO_SCOPE) return UNROUTED;
  const space = span.name.indexOf(' ');
  // A bare method or "HTTP" means Django resolved no route (404): keep the name, as the issue asks.
  return space < 0 ? span.name : span.name.slice(space + 1);
}

/** celery.task_name, else the name after "run/". */
export function taskRoute(span: Span): string {
  if (span.taskName !== '') return span.taskName;
  return span.name.startsWith('run/') ? span.name.slice(4) : span.name;
}

/**
 * The spans in start order (stable), as a new array. Spans arrive children first (each is exported
 * when it ends), which is close to start order for a request's sequential queries; an insertion
 * sort moves the few enclosing spans forward without the work area Array.prototype.sort allocates
 * per call (bench/alloc-profile.ts). Large requests use the native sort.
 */
function byStart(spans: readonly Span[]): Span[] {
  const n = spans.length;
  if (n > 64) return spans.slice().sort((a, b) => a.startMs - b.startMs);
  const out = new Array<Span>(n);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    let j = i;
    while (j > 0 && out[j - 1]!.startMs > s.startMs) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = s;
  }
  return out;
}

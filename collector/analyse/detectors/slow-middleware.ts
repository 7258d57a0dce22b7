// slow_middleware: a middleware class whose own time (span minus children, so the inner chain and
// the view are excluded; breakdown.ts explains the innermost-__call__ rule) reaches the threshold
// in one request. Known Django middleware get a specific hint.

import type { Finding } from '../../contract.js';
import type { DetectorContext } from './detector-context.js';
import { fmtMs, groupBy, makeFinding } from './detector-context.js';

const HINTS: Readonly<Record<string, string>> = {
  SessionMiddleware: 'session loads hit the session backend on every request: use the cache or cached_db session engine',
  AuthenticationMiddleware: 'request.user is resolved here: check custom authentication backends and user-model queries',
  CsrfViewMiddleware: 'CSRF checks should be cheap: look for custom CSRF failure views or token rotation work',
  LocaleMiddleware: 'language resolution should be cheap: check custom locale paths or per-request translation activation',
  GZipMiddleware: 'compressing large responses costs CPU: compress at the proxy instead, or skip already compressed content',
};

export function detectSlowMiddleware(ctx: DetectorContext): Finding[] {
  const spans = ctx.tree.spans;
  const { ownMs, creditedToView } = ctx.times;
  const groups = groupBy(spans.length, (i) => {
    const a = spans[i]!;
    if (a.category !== 'middleware' || creditedToView[i] === 1) return null;
    return a.span.middlewareClass || a.span.name;
  });
  const findings: Finding[] = [];
  for (const [cls, members] of groups) {
    let own = 0;
    for (const i of members) own += ownMs[i]!;
    if (own < ctx.cfg.slowMiddleware.thresholdMs) continue;
    const base = cls.slice(cls.lastIndexOf(' ') + 1); // contrib-style names are "django.middleware X"
    const short = base.slice(base.lastIndexOf('.') + 1);
    const hint = HINTS[short] ?? 'profile its process_request/process_response work; move expensive calls behind a cache or out of the request path, or skip it for routes that do not need it';
    findings.push(makeFinding(ctx, 'slow_middleware', cls, members, own, `${cls} takes ${fmtMs(own)} of its own time per request: ${hint}`));
  }
  return findings;
}

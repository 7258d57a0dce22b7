// Which span of an assembled request is "the request" (reference §8 rule 1): when a user wraps
// Django in the wsgi/asgi OpenTelemetryMiddleware, the outer SERVER span is only a transport
// envelope named after the raw path, and the Django span (INTERNAL, §1.3) under it carries the route.

import type { Span } from '../contract.js';
import { DJANGO_SCOPE } from './classify-span.js';

export interface RequestSpans {
  /** The span whose route/method/status/duration describe the request. */
  request: Span;
  /** The wsgi/asgi envelope around it, or null when the root is the Django span itself. */
  envelope: Span | null;
}

/**
 * `root` is the local root chosen by the assembler. Returns the Django child as the request when
 * the root is a non-Django server span that directly contains one; otherwise the root itself.
 */
export function resolveRequestSpan(root: Span, spans: readonly Span[]): RequestSpans {
  if (root.scope === DJANGO_SCOPE) return { request: root, envelope: null };
  for (const span of spans) {
    if (span.parentSpanId === root.spanId && span.scope === DJANGO_SCOPE && span !== root) {
      return { request: span, envelope: root };
    }
  }
  return { request: root, envelope: null };
}

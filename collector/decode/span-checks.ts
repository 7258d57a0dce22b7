// Why a span cannot be accepted (OTLP partial success). The trace/span id rules are the spec's:
// trace ids are 16 bytes, span ids 8, and an all-zero id is invalid.

/** '' when the span is acceptable, else the first reason it is not (byte lengths as received). */
export function checkSpan(
  traceLen: number,
  traceZero: boolean,
  spanLen: number,
  spanZero: boolean,
  parentLen: number,
  endBeforeStart: boolean,
): string {
  if (traceLen !== 16) return `trace_id has ${traceLen} bytes, expected 16`;
  if (traceZero) return 'trace_id is all zeros';
  if (spanLen !== 8) return `span_id has ${spanLen} bytes, expected 8`;
  if (spanZero) return 'span_id is all zeros';
  if (parentLen !== 0 && parentLen !== 8) return `parent_span_id has ${parentLen} bytes, expected 0 or 8`;
  if (endBeforeStart) return 'end_time_unix_nano is before start_time_unix_nano';
  return '';
}

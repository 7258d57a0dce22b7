// Per-request decode scratch shared by the protobuf and JSON decoders: which rank filled each field of
// the current span (for `new ?? old`), and the attribute-length cut with its counters.
import type { Span } from '../contract.js';

/** Per-decode scratch: which rank filled each slot of the current span/resource, plus the cut limit. */
export interface FieldState {
  readonly maxLen: number;
  readonly spanRanks: Uint8Array;
  readonly resourceRanks: Uint8Array;
  /** 1 where the slot's current value was cut, so a replaced value (dup mode) is not counted twice. */
  readonly spanCuts: Uint8Array;
  /** Values cut at maxLen in this request (the Span's own counter is kept alongside). */
  truncated: number;
}

/** More than span-fields.ts uses; fixed so this module needs no knowledge of the slots. */
export const MAX_SLOTS = 32;

export function newFieldState(maxLen: number): FieldState {
  return {
    maxLen,
    spanRanks: new Uint8Array(MAX_SLOTS),
    resourceRanks: new Uint8Array(MAX_SLOTS),
    spanCuts: new Uint8Array(MAX_SLOTS),
    truncated: 0,
  };
}

/** Cuts `value` to the limit without splitting a surrogate pair; counts the cut on span and request. */
export function cut(state: FieldState, span: Span | null, value: string): string {
  if (value.length <= state.maxLen) return value;
  let n = state.maxLen;
  const c = value.charCodeAt(n - 1);
  if (c >= 0xd800 && c <= 0xdbff) n--;
  state.truncated++;
  if (span !== null) span.truncatedAttributes++;
  return value.slice(0, n);
}

/** Starts a span: no slot filled, nothing cut. */
export function resetSpanState(state: FieldState): void {
  state.spanRanks.fill(0);
  state.spanCuts.fill(0);
}

/** `cut` for a slot value that may replace an earlier, already counted one. */
export function cutSlot(state: FieldState, span: Span, slot: number, value: string): string {
  if (state.spanCuts[slot] === 1) {
    state.spanCuts[slot] = 0;
    state.truncated--;
    span.truncatedAttributes--;
  }
  if (value.length <= state.maxLen) return value;
  state.spanCuts[slot] = 1;
  return cut(state, span, value);
}


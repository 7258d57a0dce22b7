// Trace and span ids: bytes (protobuf) or hex text (OTLP/JSON, case-insensitive per the spec's
// "JSON Protobuf Encoding") to the lowercase hex the contract uses.
import { hex } from './proto-reader.js';

/** True when every byte in [start, end) is zero: the spec calls all-zero ids invalid. */
export function allZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Native hex returns a flat string in one call. A 256-entry lookup table with `+=` was as fast on its
 * own (8.2M vs 8.3M trace+span id pairs per CPU-s, Node 20.20) but builds a rope that must be flattened
 * when assemble hashes the id as a Map key: with a Map.set per pair, 2.6M (table) vs 4.8M (native).
 */
export function bytesToHex(buf: Buffer, start: number, end: number): string {
  return hex(buf, start, end);
}

/**
 * Hex of ids of `size` bytes read one after another from one buffer, returning the previous
 * string when the bytes repeat. Other lengths (refused later by the span checks) are converted
 * when 8 or 16 bytes long, else ''. Held spans: 425 B each with trace and parent ids shared, 447 B
 * with only trace ids shared (bench/held-memory.ts).
 */
export class RepeatHex {
  private at = -1;
  private hex = '';
  constructor(private readonly size: number) {}

  of(buf: Buffer, start: number, stop: number): string {
    const size = this.size;
    if (stop - start !== size) return stop - start === 8 || stop - start === 16 ? bytesToHex(buf, start, stop) : '';
    const prev = this.at;
    this.at = start;
    if (prev >= 0) {
      let i = 0;
      while (i < size && buf[prev + i] === buf[start + i]) i++;
      if (i === size) return this.hex;
    }
    this.hex = bytesToHex(buf, start, stop);
    return this.hex;
  }
}

const HEX_RE_32 = /^[0-9a-fA-F]{32}$/;
const HEX_RE_16 = /^[0-9a-fA-F]{16}$/;
const ZERO_32 = '0'.repeat(32);
const ZERO_16 = '0'.repeat(16);

/** Why a JSON id string was refused, or '' when it is a valid id of `bytes` bytes. */
export function checkHexId(value: string, bytes: 16 | 8): string {
  const re = bytes === 16 ? HEX_RE_32 : HEX_RE_16;
  if (!re.test(value)) return `is not ${bytes * 2} hex characters (OTLP/JSON ids are hex, not base64)`;
  if (value === (bytes === 16 ? ZERO_32 : ZERO_16)) return 'is all zeros';
  return '';
}

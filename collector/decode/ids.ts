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

const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;
const HEX_CODE = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Eight lowercase hex characters of `id` from `at` as an int32 (a span id's half, as the span
 * store keeps it). Throws on anything else: the decoders hand on only lowercase 16-character ids,
 * and a half read wrong would give a request another span's parent.
 */
export function hexHalf(id: string, at: number): number {
  const v = id.length === 16 ? hexHalfOrNaN(id, at) : NaN;
  if (v !== v) throw new Error(`not a 16-character lowercase hex span id: ${JSON.stringify(id.slice(0, 40))}`);
  return v;
}

/** As `hexHalf` for a string already known to be 16 characters long, NaN instead of throwing. */
export function hexHalfOrNaN(text: string, at: number): number {
  let v = 0;
  let bad = 0;
  for (let i = at; i < at + 8; i++) {
    const code = text.charCodeAt(i);
    const d = HEX_DIGIT[code & 127]!;
    bad |= (d & ~15) | (code & ~127);
    v = (v << 4) | d;
  }
  return bad === 0 ? v : NaN;
}

/**
 * The lowercase hex of a span id kept as two int32 halves. One `fromCharCode` call makes a flat
 * string (35-49 ns here), where a scratch Buffer and its native hex slice took 167-186 ns.
 */
export function idHex(hi: number, lo: number): string {
  const c = HEX_CODE;
  return String.fromCharCode(
    c[hi >>> 28]!, c[(hi >>> 24) & 15]!, c[(hi >>> 20) & 15]!, c[(hi >>> 16) & 15]!, c[(hi >>> 12) & 15]!, c[(hi >>> 8) & 15]!, c[(hi >>> 4) & 15]!, c[hi & 15]!,
    c[lo >>> 28]!, c[(lo >>> 24) & 15]!, c[(lo >>> 20) & 15]!, c[(lo >>> 16) & 15]!, c[(lo >>> 12) & 15]!, c[(lo >>> 8) & 15]!, c[(lo >>> 4) & 15]!, c[lo & 15]!,
  );
}

// Typed reads from parsed OTLP/JSON with a precise location in every DECODE_FAILED message. null and
// absent mean "not set" (proto3 JSON); any other wrong JSON type fails the request.
import { HotpathError } from '../errors.js';

export type Obj = Record<string, unknown>;
const DIGITS = /^\d{1,20}$/;
const INT = /^-?\d{1,20}$/;
const MAX_U64 = 0xffffffffffffffffn;

export class JsonReader {
  // Position for error messages, turned into a path only when something fails (no string per span).
  protected rs = -1;
  protected ss = -1;
  protected sp = -1;

  protected where(): string {
    if (this.rs < 0) return 'top level';
    let p = `resourceSpans[${this.rs}]`;
    if (this.ss >= 0) p += `.scopeSpans[${this.ss}]`;
    if (this.sp >= 0) p += `.spans[${this.sp}]`;
    return p;
  }

  protected fail(what: string): never {
    throw new HotpathError('DECODE_FAILED', `invalid OTLP/JSON at ${this.where()}: ${what}`);
  }

  protected obj(v: unknown, name: string): Obj | null {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(`${name} must be an object`);
    return v as Obj;
  }

  protected arr(v: unknown, name: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${name} must be an array`);
    return v;
  }

  protected str(v: unknown, name: string): string {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.fail(`${name} must be a string`);
    return v;
  }

  /** int32/uint32/int64 given as a JSON number or a decimal string (spec: accept both). */
  protected int(v: unknown, name: string): number {
    if (v === undefined || v === null) return 0;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && INT.test(v)) return Number(v);
    return this.fail(`${name} must be an integer`);
  }

  protected nanos(v: unknown, name: string): bigint {
    if (v === undefined || v === null) return 0n;
    let n = -1n;
    if (typeof v === 'string' && DIGITS.test(v)) n = BigInt(v);
    else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
    if (n < 0n || n > MAX_U64) this.fail(`${name} must be an unsigned 64-bit integer`);
    return n;
  }
}

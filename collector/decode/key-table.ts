// Attribute-key lookup straight from UTF-8 bytes, so the protobuf decoder can recognise the few keys
// it maps without allocating a JS string for every key of every span (most keys are never used).

export interface KeyEntry {
  readonly key: string;
  /** Target field, interpreted by span-fields.ts. */
  readonly slot: number;
  /** Higher wins when several keys feed one slot (new semconv over old, `new ?? old`). */
  readonly rank: number;
  /** The slot whose rank decides, when a key is converted into another field (URL -> host). */
  readonly group: number;
  /**
   * Values differ on every span (parameter hashes): they bypass the value caches and intern(),
   * where each would cost a copy or an entry and push out a value that does repeat (short-text-cache.ts).
   */
  readonly unique: boolean;
}

export type KeySpec = Omit<KeyEntry, 'group' | 'unique'> & { group?: number; unique?: boolean };

interface Stored {
  entry: KeyEntry;
  bytes: Buffer;
}

const BUCKETS = 4096;

// Length plus three sampled bytes: most keys in a span are unmapped, and this rejects them in O(1)
// (a full FNV pass over every key cost 17 % of decode time in the profile). A bucket hit is confirmed
// by a byte compare, so collisions only cost speed.
function bucketOf(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0) return 0;
  const h = Math.imul(len, 0x9e3779b1) ^ Math.imul(buf[start]!, 0x85ebca6b) ^ Math.imul(buf[end - 1]!, 0xc2b2ae35)
    ^ Math.imul(buf[start + (len >> 1)]!, 0x27d4eb2f);
  return (h ^ (h >>> 15)) & (BUCKETS - 1);
}

export class KeyTable {
  private readonly buckets: (Stored[] | undefined)[] = new Array<Stored[] | undefined>(BUCKETS).fill(undefined);
  private readonly byName = new Map<string, KeyEntry>();

  constructor(specs: readonly KeySpec[]) {
    for (const spec of specs) {
      const entry: KeyEntry = { key: spec.key, slot: spec.slot, rank: spec.rank, group: spec.group ?? spec.slot, unique: spec.unique ?? false };
      if (this.byName.has(entry.key)) throw new Error(`duplicate attribute key ${entry.key}`);
      const bytes = Buffer.from(entry.key, 'utf8');
      const b = bucketOf(bytes, 0, bytes.length);
      const list = this.buckets[b] ?? [];
      list.push({ entry, bytes });
      this.buckets[b] = list;
      this.byName.set(entry.key, entry);
    }
  }

  lookupBytes(buf: Uint8Array, start: number, end: number): KeyEntry | undefined {
    const list = this.buckets[bucketOf(buf, start, end)];
    if (list === undefined) return undefined;
    const len = end - start;
    for (const s of list) {
      if (s.bytes.length !== len) continue;
      let i = 0;
      while (i < len && s.bytes[i] === buf[start + i]) i++;
      if (i === len) return s.entry;
    }
    return undefined;
  }

  lookup(key: string): KeyEntry | undefined {
    return this.byName.get(key);
  }
}

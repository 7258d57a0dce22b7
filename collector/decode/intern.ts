// One shared string object per distinct attribute text. Django sends the same SQL (values are %s
// placeholders), routes, templates and middleware names over and over; without this every span
// holds its own copy for the whole grace period. Interned strings also keep the hash V8 computed
// for them, so the fingerprint cache's Map lookup on `dbStatement` no longer re-hashes ~200
// characters per span. Measured with bench/profile.ts: see bench/README.md.
// Bounded: at most MAX_ENTRIES texts of at most MAX_CHARS; when full the table starts over, so a
// stream of unique values costs one Map insert each and never grows memory.

const MAX_ENTRIES = 16_384;
const MAX_CHARS = 4096;

let table = new Map<string, string>();

export function intern(s: string): string {
  if (s.length > MAX_CHARS) return s;
  const hit = table.get(s);
  if (hit !== undefined) return hit;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}

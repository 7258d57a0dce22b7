// Integer span fields (kind, status code, HTTP status, row and hit counts) must reach the Span as
// V8 small integers. The reader computes varints in doubles; one double stored into such a field
// turns the field's representation to Double for every span of the shared hidden class, and from
// then on each span boxes it in a 16-byte HeapNumber. Measured on the bench workload: kind,
// statusCode, httpStatus and dbRows were boxed, 64 of the 655 bytes a held span cost
// (`%DebugPrint` of a decoded span; heap snapshot of 220k held spans).
// `| 0` makes the value an int32 (a Smi on 64-bit V8); values past the int32 range are clamped,
// which no real status, kind or row count reaches.

const MAX = 0x7fffffff;
const MIN = -0x80000000;

export function smallInt(n: number): number {
  return n > MAX ? MAX : n < MIN ? MIN : n | 0;
}

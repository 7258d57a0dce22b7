// Facts about a normalised statement that detectors and suggestions need, computed once per
// distinct SqlInfo (FingerprintCache hands out the same object for the same text) and memoised,
// so the per-span cost is one WeakMap lookup rather than string scans.

import type { SqlInfo } from '../../contract.js';

export interface SqlShape {
  isSelect: boolean;
  isWrite: boolean;
  /** SELECT COUNT(...) — Django's .count() and Paginator. */
  isCount: boolean;
  /** Has a LIMIT (Django's .get() adds LIMIT 21; slicing adds LIMIT n). */
  bounded: boolean;
  /** First WHERE predicate `table.column = ?` or `table.column IN (?)`, if any. */
  whereTable: string;
  whereColumn: string;
  whereIn: boolean;
}

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE']);
// Runs once per distinct statement, never per span.
const FIRST_PREDICATE = /\bWHERE \(?([a-z0-9_$]+)\.([a-z0-9_$]+) (=|IN) \(?\?/;
const memo = new WeakMap<SqlInfo, SqlShape>();

export function sqlShape(sql: SqlInfo): SqlShape {
  let shape = memo.get(sql);
  if (shape !== undefined) return shape;
  const text = sql.normalized;
  const m = FIRST_PREDICATE.exec(text);
  shape = {
    isSelect: sql.operation === 'SELECT',
    isWrite: WRITES.has(sql.operation),
    isCount: text.startsWith('SELECT COUNT('),
    bounded: text.includes(' LIMIT '),
    whereTable: m?.[1] ?? '',
    whereColumn: m?.[2] ?? '',
    whereIn: m?.[3] === 'IN',
  };
  memo.set(sql, shape);
  return shape;
}

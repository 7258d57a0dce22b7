// Column maps of the bucketed tables, shared by the writer (UPSERT from batch rows) and rollup
// (minute -> hour). How each value column merges is declared once here.

export type Merge = 'sum' | 'max' | 'sketch';

export interface Column {
  name: string;
  /** Field of the batch row (collector/aggregate/aggregate-batch.ts) that feeds it. */
  field: string;
  merge?: Merge;
}

export interface BucketedTable {
  /** Base name; the tables are `${base}_minute` and `${base}_hour`. */
  base: string;
  /** Key columns after bucket_ms. */
  keys: Column[];
  values: Column[];
}

const k = (name: string, field = name): Column => ({ name, field });
const sum = (name: string, field: string): Column => ({ name, field, merge: 'sum' });

const queryValues: Column[] = [
  sum('calls', 'calls'), sum('requests', 'requests'), sum('errors', 'errors'), sum('duplicates', 'duplicates'),
  sum('total_ms', 'totalMs'), { name: 'max_ms', field: 'maxMs', merge: 'max' },
  { name: 'sketch', field: 'sketch', merge: 'sketch' }, sum('rows', 'rows'), sum('rows_calls', 'rowsCalls'),
];

export const ENDPOINT: BucketedTable = {
  base: 'endpoint',
  keys: [k('service'), k('version'), k('kind'), k('method'), k('route')],
  values: [
    sum('count', 'count'), sum('errors', 'errors'), sum('partial', 'partial'), sum('status_4xx', 'status4xx'),
    sum('status_5xx', 'status5xx'), sum('total_ms', 'totalMs'), { name: 'max_ms', field: 'maxMs', merge: 'max' },
    { name: 'sketch', field: 'sketch', merge: 'sketch' }, sum('db_ms', 'dbMs'), sum('db_count', 'dbCount'),
    sum('cache_ms', 'cacheMs'), sum('cache_hits', 'cacheHits'), sum('cache_misses', 'cacheMisses'),
    sum('cache_unknown', 'cacheUnknown'), sum('template_ms', 'templateMs'), sum('middleware_ms', 'middlewareMs'),
    sum('outbound_ms', 'outboundMs'), sum('self_ms', 'selfMs'), sum('findings', 'findings'),
  ],
};

export const BACKGROUND: BucketedTable = {
  base: 'background',
  keys: [k('service'), k('version')],
  values: [
    sum('count', 'count'), sum('spans', 'spans'), sum('total_ms', 'totalMs'), sum('db_ms', 'dbMs'),
    sum('db_count', 'dbCount'), sum('cache_ms', 'cacheMs'), sum('cache_count', 'cacheCount'),
    sum('outbound_ms', 'outboundMs'), sum('outbound_count', 'outboundCount'),
  ],
};

export const QUERY: BucketedTable = {
  base: 'query',
  keys: [k('service'), k('version'), k('fingerprint')],
  values: queryValues,
};

export const QUERY_ROUTE: BucketedTable = {
  base: 'query_route',
  keys: [k('service'), k('version'), k('fingerprint'), k('method'), k('route')],
  values: queryValues,
};

export const FINDING: BucketedTable = {
  base: 'finding',
  keys: [k('service'), k('version'), k('method'), k('route'), k('type'), k('fingerprint')],
  values: [sum('occurrences', 'occurrences'), sum('requests', 'requests'), sum('total_ms', 'totalMs')],
};

export const BUCKETED_TABLES: readonly BucketedTable[] = [ENDPOINT, BACKGROUND, QUERY, QUERY_ROUTE, FINDING];

export function mergeExpr(c: Column, left: string, right: string): string {
  switch (c.merge) {
    case 'max':
      return `max(${left}, ${right})`;
    case 'sketch':
      return `ddsketch_merge(${left}, ${right})`;
    default:
      return `${left} + ${right}`;
  }
}

/** INSERT ... VALUES (?, ...) ON CONFLICT DO UPDATE merging every value column. */
export function upsertValuesSql(t: BucketedTable, table: string): string {
  const cols = ['bucket_ms', ...t.keys.map((c) => c.name), ...t.values.map((c) => c.name)];
  return (
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (bucket_ms, ${t.keys.map((c) => c.name).join(', ')}) DO UPDATE SET ` +
    t.values.map((c) => `${c.name} = ${mergeExpr(c, c.name, `excluded.${c.name}`)}`).join(', ')
  );
}

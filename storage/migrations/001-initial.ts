// Schema v1. Column meanings and units are documented in storage/SCHEMA.md; keep the two in step.
// Every per-bucket table has the same shape at minute and hour resolution so a reader can run one
// query against either. `bucket_ms` is the bucket start in ms since the epoch (UTC-aligned).
// Sketch BLOBs are opaque: read them only through the ddsketch_* SQL functions (storage/sketch-sql.ts).

const endpointColumns = `
  bucket_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  partial INTEGER NOT NULL,
  status_4xx INTEGER NOT NULL,
  status_5xx INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  sketch BLOB NOT NULL,
  db_ms REAL NOT NULL,
  db_count INTEGER NOT NULL,
  cache_ms REAL NOT NULL,
  cache_hits INTEGER NOT NULL,
  cache_misses INTEGER NOT NULL,
  cache_unknown INTEGER NOT NULL,
  template_ms REAL NOT NULL,
  middleware_ms REAL NOT NULL,
  outbound_ms REAL NOT NULL,
  self_ms REAL NOT NULL,
  findings INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, service, version, kind, method, route)`;

const backgroundColumns = `
  bucket_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  count INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  db_ms REAL NOT NULL,
  db_count INTEGER NOT NULL,
  cache_ms REAL NOT NULL,
  cache_count INTEGER NOT NULL,
  outbound_ms REAL NOT NULL,
  outbound_count INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, service, version)`;

const queryStats = `
  calls INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  max_ms REAL NOT NULL,
  sketch BLOB NOT NULL,
  rows INTEGER NOT NULL,
  rows_calls INTEGER NOT NULL`;

const queryColumns = `
  bucket_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  ${queryStats},
  PRIMARY KEY (bucket_ms, service, version, fingerprint)`;

const queryRouteColumns = `
  bucket_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  ${queryStats},
  PRIMARY KEY (bucket_ms, service, version, fingerprint, method, route)`;

const findingColumns = `
  bucket_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  type TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  PRIMARY KEY (bucket_ms, service, version, method, route, type, fingerprint)`;

function bucketed(name: string, columns: string, seriesIndex: string): string {
  return ['minute', 'hour']
    .map(
      (res) => `
CREATE TABLE ${name}_${res} (${columns});
CREATE INDEX ${name}_${res}_series ON ${name}_${res} (${seriesIndex}, bucket_ms);`,
    )
    .join('\n');
}

export const migration001 = `
${bucketed('endpoint', endpointColumns, 'service, route')}
${bucketed('background', backgroundColumns, 'service')}
${bucketed('query', queryColumns, 'service, fingerprint')}
${bucketed('query_route', queryRouteColumns, 'service, route')}
${bucketed('finding', findingColumns, 'service, route')}

CREATE TABLE queries (
  service TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  normalized TEXT NOT NULL,
  operation TEXT NOT NULL,
  tables TEXT NOT NULL,
  db_system TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  PRIMARY KEY (service, fingerprint)
);
CREATE INDEX queries_last_seen ON queries (last_seen_ms);

CREATE TABLE findings (
  service TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  type TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  last_version TEXT NOT NULL,
  suggestion TEXT NOT NULL,
  sample_trace_ids TEXT NOT NULL,
  PRIMARY KEY (service, method, route, type, fingerprint)
);
CREATE INDEX findings_last_seen ON findings (last_seen_ms);

CREATE TABLE slow_queries (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  fingerprint TEXT NOT NULL,
  operation TEXT NOT NULL,
  db_system TEXT NOT NULL,
  rows INTEGER NOT NULL,
  statement TEXT NOT NULL,
  raw INTEGER NOT NULL
);
CREATE INDEX slow_queries_time ON slow_queries (time_ms);
CREATE INDEX slow_queries_fingerprint ON slow_queries (service, fingerprint, time_ms);

CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  status INTEGER NOT NULL,
  error INTEGER NOT NULL,
  partial INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  finding_types TEXT NOT NULL,
  span_count INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX samples_time ON samples (time_ms);
CREATE INDEX samples_route ON samples (service, route, time_ms);
CREATE INDEX samples_trace ON samples (trace_id);

CREATE TABLE service_versions (
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  environment TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (service, version)
);

CREATE TABLE rollup_state (
  name TEXT PRIMARY KEY,
  done_before_ms INTEGER NOT NULL
);
`;

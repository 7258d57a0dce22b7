// The read side of storage: pure query functions over a (read-only) connection. Each takes validated
// parameters and returns JSON-ready objects (snake_case, times in ms, timestamps RFC 3339).
export type { FilterColumn, Filters, TimeRange } from './bucketed-source.js';
export type { Page, PageRequest } from './page.js';
export { listServices } from './services.js';
export type { ServiceSummary, ServiceVersion } from './services.js';
export { ENDPOINT_SORTS, listEndpoints } from './endpoints.js';
export type { EndpointRow, EndpointSort } from './endpoints.js';
export { getEndpointDetail } from './endpoint-detail.js';
export type { EndpointDetail, EndpointKey, EndpointQuery, EndpointSample, SeriesPoint } from './endpoint-detail.js';
export { listQueries, QUERY_SORTS } from './queries.js';
export type { QueryRouteRef, QuerySort, QueryStatsRow } from './queries.js';
export { getQueryDetail } from './query-detail.js';
export type { QueryDetail, QuerySeriesPoint } from './query-detail.js';
export { listSlowQueries, SLOW_QUERY_SORTS } from './slow-queries.js';
export type { SlowQuery, SlowQuerySort } from './slow-queries.js';
export { FINDING_TYPES, listFindings } from './findings.js';
export type { FindingSummary } from './findings.js';
export { getStoredRequest } from './requests.js';
export type { StoredFinding, StoredRequest, StoredSpan } from './requests.js';
export { compareVersions } from './compare.js';
export type { Comparison, EndpointChange, QueryChange, VersionStats } from './compare.js';

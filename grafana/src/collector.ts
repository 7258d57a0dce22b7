// Collector health: what comes in, what is refused or lost, the pipeline's queues and storage.
import { dashboard, datasourceVar, row } from './dashboard.js';
import { stat, timeseries } from './model.js';

const RI = '$__rate_interval';

export const collector = dashboard({
  uid: 'hotpath-collector',
  title: 'Hotpath / Collector health',
  description: 'The Hotpath collector itself: receivers, assembler, queues, storage, metric cardinality.',
  variables: [datasourceVar],
  panels: [
    stat('Up', { expr: 'sum(up{job="hotpath"})' }),
    stat('Ready', { expr: 'min(hotpath_ready)' }),
    stat('Spans accepted/s', { expr: `sum(rate(hotpath_receiver_accepted_spans_total[${RI}]))` }, { unit: 'short' }),
    stat('Metric series', { expr: 'sum(hotpath_metric_series)' }),
    row('Receivers'),
    timeseries('Span flow', [
      { expr: `sum by (protocol) (rate(hotpath_receiver_accepted_spans_total[${RI}]))`, legend: 'accepted {{protocol}}' },
      { expr: `sum by (protocol, reason) (rate(hotpath_receiver_refused_spans_total[${RI}]))`, legend: 'refused {{protocol}} {{reason}}' },
      { expr: `sum by (stage, reason) (rate(hotpath_spans_dropped_total[${RI}]))`, legend: 'dropped {{stage}} {{reason}}' },
      { expr: `sum(rate(hotpath_decode_truncated_attributes_total[${RI}]))`, legend: 'attributes truncated' },
    ], { unit: 'short', description: 'Per second. Refused spans were answered with an error; dropped spans were accepted and then lost; truncated attributes were kept, cut short.' }),
    timeseries('Export requests', [
      { expr: `histogram_quantile(0.95, sum by (protocol, le) (rate(hotpath_receiver_request_duration_seconds_bucket[${RI}])))`, legend: 'p95 {{protocol}}' },
      { expr: `histogram_quantile(0.95, sum by (protocol, le) (rate(hotpath_receiver_request_size_bytes_bucket[${RI}]))) / 1e6`, legend: 'p95 size MB {{protocol}}' },
      { expr: 'sum(hotpath_receiver_in_flight_requests)', legend: 'in flight' },
    ], { unit: 'short', description: 'p95 handling time in seconds, p95 body size in MB, requests in flight.' }),
    row('Pipeline'),
    timeseries('Assembler', [
      { expr: 'sum(hotpath_assembler_open_requests)', legend: 'open requests' },
      { expr: 'sum(hotpath_assembler_buffered_spans)', legend: 'buffered spans' },
      { expr: 'sum by (state) (hotpath_span_store_slots)', legend: 'store slots {{state}}' },
      { expr: 'sum by (queue) (hotpath_queue_depth_spans)', legend: 'queue {{queue}}' },
      { expr: `sum by (reason) (rate(hotpath_traces_evicted_total[${RI}]))`, legend: 'evicted/s {{reason}}' },
    ], { unit: 'short', w: 8 }),
    timeseries('Analysed/s by kind', [{ expr: `sum by (kind) (rate(hotpath_analysed_requests_total[${RI}]))`, legend: '{{kind}}' }], { unit: 'short', w: 8 }),
    timeseries('Storage', [
      { expr: `histogram_quantile(0.95, sum by (le) (rate(hotpath_storage_flush_duration_seconds_bucket[${RI}])))`, legend: 'flush p95 (s)' },
      { expr: 'max(hotpath_storage_flush_interval_seconds)', legend: 'flush interval (s)' },
      { expr: `sum(rate(hotpath_storage_rows_written_total[${RI}]))`, legend: 'rows/s' },
      { expr: `sum by (operation) (rate(hotpath_storage_errors_total[${RI}]))`, legend: 'errors/s {{operation}}' },
    ], { unit: 'short', w: 8 }),
    row('Cardinality and process'),
    timeseries('Series and overflow', [
      { expr: 'sum(hotpath_metric_series)', legend: 'series' },
      { expr: 'sum(hotpath_fingerprint_cache_entries)', legend: 'fingerprint cache entries' },
      { expr: `sum by (dimension) (rate(hotpath_series_overflow_total[${RI}]))`, legend: 'folded into __overflow__/s {{dimension}}' },
    ], { unit: 'short', w: 8 }),
    timeseries('CPU', [{ expr: `sum by (instance) (rate(process_cpu_seconds_total{job="hotpath"}[${RI}]))`, legend: '{{instance}}' }], { unit: 'percentunit', w: 8 }),
    timeseries('Memory and event loop', [
      { expr: 'sum by (instance) (process_resident_memory_bytes{job="hotpath"}) / 1e6', legend: 'RSS MB {{instance}}' },
      { expr: 'max by (instance) (nodejs_eventloop_lag_p99_seconds{job="hotpath"}) * 1000', legend: 'event loop lag p99 ms {{instance}}' },
    ], { unit: 'short', w: 8 }),
  ],
});

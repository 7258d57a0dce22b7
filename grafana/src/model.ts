// A small typed model of Grafana's classic dashboard JSON (schemaVersion 41) and the builders the
// Hotpath dashboards use. Written by hand rather than with @grafana/grafana-foundation-sdk: that
// SDK is 0.0.x (breaking changes expected) and has no builder for Infinity queries, which the API
// tables need; the handful of panel kinds here fit in one file.

export const SCHEMA_VERSION = 41;
export const PROM_DS = { type: 'prometheus', uid: '${datasource}' } as const;
/** Provisioned in grafana/provisioning/datasources/hotpath.yaml. */
export const API_DS = { type: 'yesoreyeram-infinity-datasource', uid: 'hotpath-api' } as const;

export interface PromTarget {
  refId: string;
  datasource: typeof PROM_DS;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  format: 'time_series' | 'table';
  exemplar: boolean;
}

export interface ApiColumn {
  selector: string;
  text: string;
  type: 'string' | 'number' | 'timestamp';
}

export interface ApiTarget {
  refId: string;
  datasource: typeof API_DS;
  type: 'json';
  source: 'url';
  parser: 'backend';
  format: 'table';
  url: string;
  url_options: { method: 'GET'; params: { key: string; value: string }[] };
  root_selector: string;
  columns: ApiColumn[];
}

export type Target = PromTarget | ApiTarget;

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'table' | 'barchart' | 'row';
  title: string;
  description?: string;
  datasource: typeof PROM_DS | typeof API_DS;
  gridPos: { h: number; w: number; x: number; y: number };
  targets: Target[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
  transformations?: unknown[];
}

export interface PanelOpts {
  unit?: string;
  description?: string;
  stack?: boolean;
  /** Width in grid columns (24 per row) and height in rows. */
  w?: number;
  h?: number;
}

export interface PromQuery {
  expr: string;
  legend?: string;
  exemplar?: boolean;
}

function ref(i: number): string {
  return String.fromCharCode(65 + i);
}

export function prom(q: PromQuery, i: number, instant = false): PromTarget {
  return {
    refId: ref(i % 26),
    datasource: PROM_DS,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !instant,
    instant,
    format: instant ? 'table' : 'time_series',
    exemplar: q.exemplar ?? false,
  };
}

function base(type: Panel['type'], title: string, o: PanelOpts, datasource: Panel['datasource']): Omit<Panel, 'targets'> {
  return {
    id: 0,
    type,
    title,
    ...(o.description === undefined ? {} : { description: o.description }),
    datasource,
    gridPos: { h: o.h ?? 8, w: o.w ?? 12, x: 0, y: 0 },
    fieldConfig: { defaults: { unit: o.unit ?? 'short' }, overrides: [] },
    options: {},
  };
}

export function timeseries(title: string, queries: PromQuery[], o: PanelOpts = {}): Panel {
  const p = base('timeseries', title, o, PROM_DS);
  p.fieldConfig.defaults.custom = {
    drawStyle: 'line',
    lineWidth: 1,
    fillOpacity: o.stack === true ? 60 : 10,
    showPoints: 'never',
    stacking: { mode: o.stack === true ? 'normal' : 'none', group: 'A' },
  };
  p.options = { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } };
  return { ...p, targets: queries.map((q, i) => prom(q, i)) };
}

export function stat(title: string, q: PromQuery, o: PanelOpts = {}): Panel {
  const p = base('stat', title, { w: 6, h: 4, ...o }, PROM_DS);
  p.options = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' };
  return { ...p, targets: [prom(q, 0)] };
}

/** A table of one instant Prometheus query; `labels` are the columns kept, in order. */
export function promTable(title: string, q: PromQuery, labels: string[], valueTitle: string, o: PanelOpts = {}): Panel {
  const p = base('table', title, o, PROM_DS);
  p.options = { showHeader: true, sortBy: [{ displayName: valueTitle, desc: true }], footer: { show: false } };
  const indexByName: Record<string, number> = {};
  labels.forEach((l, i) => (indexByName[l] = i));
  indexByName.Value = labels.length;
  p.transformations = [
    {
      id: 'organize',
      options: { excludeByName: { Time: true }, indexByName, renameByName: { Value: valueTitle } },
    },
    { id: 'filterFieldsByName', options: { include: { names: [...labels, valueTitle] } } },
  ];
  return { ...p, targets: [prom(q, 0, true)] };
}

/** A table filled from the Hotpath JSON API through the Infinity datasource. */
export function apiTable(title: string, path: string, root: string, columns: ApiColumn[], o: PanelOpts = {}): Panel {
  const p = base('table', title, { w: 24, h: 10, ...o }, API_DS);
  p.options = { showHeader: true, footer: { show: false }, cellHeight: 'sm' };
  const target: ApiTarget = {
    refId: 'A',
    datasource: API_DS,
    type: 'json',
    source: 'url',
    parser: 'backend',
    format: 'table',
    url: path,
    // The API takes RFC 3339 bounds; Grafana formats its time range that way.
    url_options: { method: 'GET', params: [{ key: 'from', value: '${__from:date:iso}' }, { key: 'to', value: '${__to:date:iso}' }, { key: 'limit', value: '100' }] },
    root_selector: root,
    columns,
  };
  return { ...p, targets: [target] };
}

export const col = (selector: string, text: string, type: ApiColumn['type'] = 'string'): ApiColumn => ({ selector, text, type });

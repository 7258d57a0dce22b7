// Dashboard envelope: variables, deploy annotations, links, and a left-to-right grid layout.
import { PROM_DS, SCHEMA_VERSION, type Panel } from './model.js';

/** The metric every analysed request touches: its labels list every service and route. */
const INVENTORY = 'hotpath_request_db_queries_count';

export interface Variable {
  type: 'datasource' | 'query';
  name: string;
  label: string;
  [key: string]: unknown;
}

export const datasourceVar: Variable = {
  type: 'datasource',
  name: 'datasource',
  label: 'Data source',
  query: 'prometheus',
  current: {},
  hide: 0,
  refresh: 1,
  regex: '',
  options: [],
};

function queryVar(name: string, label: string, query: string): Variable {
  return {
    type: 'query',
    name,
    label,
    datasource: PROM_DS,
    definition: query,
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.+',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    sort: 1,
    hide: 0,
    regex: '',
  };
}

export const serviceVar = queryVar('service', 'Service', `label_values(${INVENTORY}, service_name)`);
export const routeVar = queryVar('route', 'Route', `label_values(${INVENTORY}{service_name=~"$service"}, http_route)`);

export function row(title: string): Panel {
  return {
    id: 0,
    type: 'row',
    title,
    datasource: PROM_DS,
    gridPos: { h: 1, w: 24, x: 0, y: 0 },
    targets: [],
    fieldConfig: { defaults: {}, overrides: [] },
    options: {},
  };
}

/** Places panels in reading order, wrapping at 24 columns; rows start a new line. */
function layout(panels: Panel[]): Panel[] {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((p, i) => {
    const { w, h } = p.gridPos;
    if (p.type === 'row' || x + w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...p, id: i + 1, gridPos: { h, w, x, y } };
    if (p.type === 'row') {
      y += 1;
    } else {
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    return placed;
  });
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: Variable[];
  panels: Panel[];
}

export function dashboard(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['hotpath', 'django', 'opentelemetry'],
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [{ type: 'dashboards', title: 'Hotpath', tags: ['hotpath'], asDropdown: true, includeVars: true, keepTime: true }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
        ...(spec.variables.includes(serviceVar) ? [deployAnnotation] : []),
      ],
    },
    templating: { list: spec.variables },
    panels: layout(spec.panels),
  };
}

const deployAnnotation = {
          // A deploy marker where each service version was first seen (the value is the time).
          datasource: PROM_DS,
          enable: true,
          hide: false,
          iconColor: 'orange',
          name: 'Deploys',
          expr: 'hotpath_service_version_first_seen_timestamp_seconds{service_name=~"$service"} * 1000',
          step: '60s',
          titleFormat: 'Deploy {{service_name}} {{service_version}}',
          tagKeys: 'service_name,service_version',
          useValueForTime: true,
};

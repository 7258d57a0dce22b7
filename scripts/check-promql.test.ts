import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectQueries, dashboardQueries, ruleQueries, substitute } from './check-promql.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

describe('substitute', () => {
  test('expands Grafana interval built-ins and variables in every syntax', () => {
    assert.equal(
      substitute('rate(x{a=~"$service",b=~"${route}",c="${route:regex}"}[$__rate_interval]) + increase(y[$__range])', { route: 'books/' }, '10m'),
      'rate(x{a=~".+",b=~"books/",c="books/"}[1m]) + increase(y[10m])',
    );
  });
  test('leaves unknown Grafana built-ins alone so Prometheus reports them', () => {
    assert.equal(substitute('x[$__unknown]', {}), 'x[$__unknown]');
  });
});

describe('query extraction', () => {
  test('finds targets of nested panels, annotations and label_values variables, skipping other datasources', () => {
    const dash = {
      panels: [
        { id: 1, title: 'Row', type: 'row', panels: [{ id: 2, title: 'Inner', targets: [{ expr: 'a' }] }] },
        { id: 3, title: 'API', datasource: { type: 'yesoreyeram-infinity-datasource', uid: 'hotpath-api' }, targets: [{ url: '/api/v1/queries' }] },
        { id: 4, title: 'Outer', datasource: { type: 'prometheus', uid: '${datasource}' }, targets: [{ expr: 'b' }, { expr: 'c' }] },
      ],
      annotations: { list: [{ name: 'Deploys', expr: 'd' }] },
      templating: { list: [{ type: 'query', name: 'service', query: { query: 'label_values(m{x="1"}, service_name)' } }] },
    };
    assert.deepEqual(dashboardQueries('x.json', dash).map((q) => [q.kind, q.source, q.expr]), [
      ['panel', 'x.json > Inner', 'a'],
      ['panel', 'x.json > Outer', 'b'],
      ['panel', 'x.json > Outer', 'c'],
      ['annotation', 'x.json > annotation Deploys', 'd'],
      ['variable', 'x.json > variable service', 'm{x="1"}'],
    ]);
  });
  test('takes recording and alerting rules from every group', () => {
    const doc = { groups: [{ rules: [{ record: 'r:x', expr: 'x' }] }, { rules: [{ alert: 'A', expr: 'y > 1' }] }] };
    assert.deepEqual(ruleQueries('f.yml', doc).map((q) => q.source), ['f.yml > r:x', 'f.yml > A']);
  });
  test('the committed dashboards and rules yield panel, annotation, variable and rule queries', () => {
    const qs = collectQueries(join(ROOT, 'grafana', 'dashboards'), join(ROOT, 'prometheus', 'rules'));
    const kinds = new Set(qs.map((q) => q.kind));
    assert.deepEqual([...kinds].sort(), ['annotation', 'panel', 'rule', 'variable']);
    assert.equal(qs.filter((q) => q.kind === 'rule').length, 19);
  });
});

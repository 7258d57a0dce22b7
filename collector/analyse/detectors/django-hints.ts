// Django ORM advice from SQL shape alone (peer-features.md §12.1): Django's default table name is
// "<app_label>_<modelname>" and QuerySet.get() adds LIMIT 21, so a lazy forward ForeignKey access
// looks like `WHERE t.id = ? LIMIT ?`, a reverse ForeignKey like `WHERE t.<fk>_id = ?` and a
// many-to-many like a JOIN through "<app>_<model>_<field>". Field names are guesses from table
// names (a ForeignKey may be named differently from its target model), and the text says so.

import type { SqlInfo } from '../../contract.js';
import { sqlShape } from './sql-shape.js';

/** Model name from a default table name: model names have no underscores; app labels may. */
export function modelOfTable(table: string): string {
  const k = table.lastIndexOf('_');
  return k < 0 ? table : table.slice(k + 1);
}

export interface OrmHint {
  method: 'select_related' | 'prefetch_related' | '';
  field: string;
  text: string;
}

export function nPlusOneHint(sql: SqlInfo): OrmHint {
  const shape = sqlShape(sql);
  const { whereTable: table, whereColumn: column } = shape;
  const mainTable = sql.tables[0] ?? '';
  const fkColumn = column.endsWith('_id');
  if (table !== '' && table !== mainTable && sql.tables.includes(table) && fkColumn) {
    const source = column.slice(0, -3);
    const marker = `_${source}_`;
    const k = table.indexOf(marker);
    const field = k >= 0 ? table.slice(k + marker.length) : `${modelOfTable(mainTable)}s`;
    return {
      method: 'prefetch_related',
      field,
      text: `each ${source} loads its many-to-many '${field}' separately (through table ${table}): add prefetch_related('${field}') to the queryset that loads the ${source} rows`,
    };
  }
  if (table !== '' && shape.bounded && !shape.whereIn && (column === 'id' || fkColumn)) {
    const field = modelOfTable(table);
    const what = column === 'id' ? 'a ForeignKey' : 'a reverse one-to-one';
    return {
      method: 'select_related',
      field,
      text: `looks like ${what} loaded lazily per row (${table}.${column} = ? LIMIT): add select_related('${field}') to the queryset that loads the rows (field name guessed from table ${table}; use the field's real name)`,
    };
  }
  if (table !== '' && !shape.bounded && fkColumn) {
    const field = `${modelOfTable(table)}_set`;
    return {
      method: 'prefetch_related',
      field,
      text: `looks like a reverse ForeignKey read per row (${table}.${column}): add prefetch_related('${field}') to the queryset that loads the parent rows (default accessor name; use the ForeignKey's related_name if it sets one)`,
    };
  }
  return {
    method: '',
    field: '',
    text: 'the same query runs once per item: load all items in one query (select_related()/prefetch_related(), or filter(..._in=[...]) outside the loop)',
  };
}

export function writeLoopHint(sql: SqlInfo): string {
  const model = modelOfTable(sql.tables[0] ?? 'table');
  switch (sql.operation) {
    case 'INSERT':
      return `create the ${model} rows in one query with ${capital(model)}.objects.bulk_create([...]) instead of save()/create() in a loop`;
    case 'UPDATE':
      return `update in one query: queryset.update(field=value) when every row gets the same value, else bulk_update(objs, [fields]) instead of save() in a loop`;
    default:
      return `delete in one query with ${capital(model)}.objects.filter(pk__in=ids).delete() instead of obj.delete() in a loop`;
  }
}

function capital(model: string): string {
  return model.charAt(0).toUpperCase() + model.slice(1);
}

// A pool of distinct Django ORM statements (PostgreSQL flavour, `%s` placeholders as they reach
// db.statement), 100-300 characters like the ones psycopg instrumentation records. Pool index k
// picks a statement shape (k % SHAPES) and a model (k / SHAPES); past SHAPES x MODELS the tables
// move to a numbered app (`shop2_book`), so every index has its own fingerprint.

interface Model {
  table: string;
  cols: string[];
  /** Foreign-key column used by the "filter by parent" shape. */
  fk: string;
}

const MODELS: Model[] = [
  { table: 'shop_book', cols: ['id', 'title', 'isbn', 'price', 'published_on', 'author_id', 'publisher_id'], fk: 'author_id' },
  { table: 'shop_author', cols: ['id', 'name', 'email', 'born_on', 'country'], fk: 'country' },
  { table: 'shop_publisher', cols: ['id', 'name', 'country', 'website'], fk: 'country' },
  { table: 'shop_review', cols: ['id', 'book_id', 'user_id', 'rating', 'body', 'created_at'], fk: 'book_id' },
  { table: 'shop_order', cols: ['id', 'customer_id', 'status', 'total', 'created_at'], fk: 'customer_id' },
  { table: 'shop_orderline', cols: ['id', 'order_id', 'book_id', 'quantity', 'unit_price'], fk: 'order_id' },
  { table: 'auth_user', cols: ['id', 'password', 'last_login', 'is_superuser', 'username', 'email', 'is_staff'], fk: 'is_staff' },
  { table: 'shop_tag', cols: ['id', 'name', 'slug', 'description'], fk: 'slug' },
];

export const SHAPES = 8;
/** Shape 0 is the lazy-FK / `.get()` statement, the one an N+1 loop repeats. */
export const GET_BY_ID_SHAPE = 0;
export const POOL_BASE = SHAPES * MODELS.length;

const q = (table: string, col: string): string => `"${table}"."${col}"`;

function modelFor(k: number): Model {
  const base = MODELS[Math.floor(k / SHAPES) % MODELS.length] as Model;
  const generation = Math.floor(k / POOL_BASE);
  if (generation === 0) return base;
  const [app, name] = base.table.split('_', 2) as [string, string];
  return { ...base, table: `${app}${generation + 1}_${name}` };
}

/**
 * Statement for pool index `k`. `inListSize` only changes the number of `%s` in the IN-list
 * shape, which fingerprinting collapses, so it never changes the fingerprint.
 */
export function poolStatement(k: number, inListSize = 3): string {
  const m = modelFor(k);
  const t = m.table;
  const select = m.cols.map((c) => q(t, c)).join(', ');
  const other = m.cols[1] as string;
  switch (k % SHAPES) {
    case 0:
      return `SELECT ${select} FROM "${t}" WHERE ${q(t, 'id')} = %s LIMIT 21`;
    case 1:
      return `SELECT ${select} FROM "${t}" WHERE ${q(t, m.fk)} = %s ORDER BY ${q(t, 'id')} ASC`;
    case 2:
      return `SELECT COUNT(*) AS "__count" FROM "${t}" WHERE (${q(t, m.fk)} = %s AND ${q(t, other)} IS NOT NULL)`;
    case 3:
      return `SELECT 1 AS "a" FROM "${t}" WHERE (${q(t, other)} = %s AND NOT (${q(t, 'id')} = %s)) LIMIT 1`;
    case 4: {
      const marks = Array.from({ length: Math.max(1, inListSize) }, () => '%s').join(', ');
      return `SELECT ${select} FROM "${t}" WHERE ${q(t, 'id')} IN (${marks})`;
    }
    case 5: // Model.save() on an existing row writes every column
      return `UPDATE "${t}" SET ${m.cols.slice(1).map((c) => `"${c}" = %s`).join(', ')} WHERE ${q(t, 'id')} = %s`;
    case 6: {
      const cols = m.cols.slice(1);
      return `INSERT INTO "${t}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '%s').join(', ')}) RETURNING ${q(t, 'id')}`;
    }
    default:
      return `SELECT ${m.cols.slice(0, 4).map((c) => q(t, c)).join(', ')}, "auth_user"."username" FROM "${t}" INNER JOIN "auth_user" ON (${q(t, m.fk)} = "auth_user"."id") ORDER BY ${q(t, 'id')} DESC LIMIT 20 OFFSET %s`;
  }
}

/** The first operation keyword of a statement: what dbapi instrumentation names the span. */
export function spanNameFor(sql: string): string {
  const space = sql.indexOf(' ');
  return space === -1 ? sql : sql.slice(0, space);
}

// SQLite statements as Django emits them (the OTel sqlite3 proxy sees `%s` before Django turns it
// into `?`), sqlcommenter-tagged statements, and the other placeholder and quoting styles.

import type { OrmCase } from './django-orm-cases.js';

const TRACEPARENT = "traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01'";

export const SQLITE_AND_COMMENTER_CASES: OrmCase[] = [
  {
    orm: 'sqlite: Post.objects.get(pk=1)',
    sql: 'SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post" WHERE "blog_post"."id" = %s LIMIT 21',
    normalized: 'SELECT blog_post.id, blog_post.title FROM blog_post WHERE blog_post.id = ? LIMIT ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'sqlite: filter(title__icontains=q)',
    sql: `SELECT "blog_post"."id" FROM "blog_post" WHERE "blog_post"."title" LIKE %s ESCAPE '\\'`,
    normalized: 'SELECT blog_post.id FROM blog_post WHERE blog_post.title LIKE ? ESCAPE ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'sqlite: bulk_create(ignore_conflicts=True) on the M2M through table',
    sql: 'INSERT OR IGNORE INTO "blog_post_tags" ("post_id", "tag_id") VALUES (%s, %s), (%s, %s), (%s, %s)',
    normalized: 'INSERT OR IGNORE INTO blog_post_tags (post_id, tag_id) VALUES (?, ?)',
    operation: 'INSERT', tables: ['blog_post_tags'],
  },
  {
    orm: 'sqlite: bulk_create with RETURNING (SQLite 3.35+)',
    sql: 'INSERT INTO "blog_tag" ("name", "slug") VALUES (%s, %s), (%s, %s) RETURNING "blog_tag"."id"',
    normalized: 'INSERT INTO blog_tag (name, slug) VALUES (?, ?) RETURNING blog_tag.id',
    operation: 'INSERT', tables: ['blog_tag'],
  },
  {
    orm: 'sqlite: ExtractYear through a Django SQL function',
    sql: 'SELECT django_date_extract(%s, "blog_post"."created_at") AS "year" FROM "blog_post"',
    normalized: 'SELECT django_date_extract(?, blog_post.created_at) AS year FROM blog_post',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'sqlite: aggregate(Count("author", distinct=True))',
    sql: 'SELECT COUNT(DISTINCT "blog_comment"."author_id") AS "__count" FROM "blog_comment"',
    normalized: 'SELECT COUNT(DISTINCT blog_comment.author_id) AS __count FROM blog_comment',
    operation: 'SELECT', tables: ['blog_comment'],
  },
  {
    orm: 'sqlite: savepoint',
    sql: 'SAVEPOINT "s1402345_x3"',
    normalized: 'SAVEPOINT ?', operation: 'SAVEPOINT', tables: [],
  },
  {
    orm: 'sqlcommenter (Django middleware) on a session lookup',
    sql: `SELECT "django_session"."session_key", "django_session"."session_data", "django_session"."expire_date" FROM "django_session" WHERE ("django_session"."expire_date" > %s AND "django_session"."session_key" = %s) LIMIT 21 /*controller='post_detail',db_driver='django.db.backends.postgresql',framework='django%%3A5.0',route='posts/%%3Cint%%3Apk%%3E/',${TRACEPARENT}*/`,
    normalized: 'SELECT django_session.session_key, django_session.session_data, django_session.expire_date FROM django_session WHERE (django_session.expire_date > ? AND django_session.session_key = ?) LIMIT ?',
    operation: 'SELECT', tables: ['django_session'],
  },
  {
    orm: 'sqlcommenter (driver level, attribute commenter on) with trailing semicolon',
    sql: `UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s /*db_driver='psycopg%%3A3.2.1',dbapi_level='2.0',${TRACEPARENT}*/;`,
    normalized: 'UPDATE auth_user SET last_login = ? WHERE auth_user.id = ?',
    operation: 'UPDATE', tables: ['auth_user'],
  },
  {
    orm: 'raw SQL with named pyformat placeholders and a -- comment',
    sql: 'SELECT id, title\n  FROM blog_post -- newest first\n WHERE author_id = %(author)s AND published = true\n ORDER BY id DESC',
    normalized: 'SELECT id, title FROM blog_post WHERE author_id = ? AND published = ? ORDER BY id DESC',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'raw SQL, schema-qualified mixed-case quoted table',
    sql: 'select * from public."Blog_Post" p where p.id = $1',
    normalized: 'SELECT * FROM public.blog_post p WHERE p.id = ?',
    operation: 'SELECT', tables: ['public.blog_post'],
  },
];

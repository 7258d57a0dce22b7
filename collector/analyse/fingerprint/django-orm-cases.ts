// Statements as Django's ORM emits them on PostgreSQL (psycopg, `%s` placeholders as they reach
// db.statement), with the normalised text, operation and tables each must produce. SQLite and
// sqlcommenter cases are in django-orm-cases-sqlite.ts.

export interface OrmCase {
  orm: string;
  sql: string;
  normalized: string;
  operation: string;
  tables: string[];
}

export const POSTGRES_CASES: OrmCase[] = [
  {
    orm: 'Post.objects.get(pk=1)',
    sql: 'SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id", "blog_post"."created_at" FROM "blog_post" WHERE "blog_post"."id" = %s LIMIT 21',
    normalized: 'SELECT blog_post.id, blog_post.title, blog_post.author_id, blog_post.created_at FROM blog_post WHERE blog_post.id = ? LIMIT ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'post.author (lazy FK, the N+1 shape)',
    sql: 'SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."is_superuser", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."id" = %s LIMIT 21',
    normalized: 'SELECT auth_user.id, auth_user.password, auth_user.last_login, auth_user.is_superuser, auth_user.username FROM auth_user WHERE auth_user.id = ? LIMIT ?',
    operation: 'SELECT', tables: ['auth_user'],
  },
  {
    orm: 'Post.objects.select_related("author")',
    sql: 'SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id", "auth_user"."id", "auth_user"."username" FROM "blog_post" INNER JOIN "auth_user" ON ("blog_post"."author_id" = "auth_user"."id") ORDER BY "blog_post"."created_at" DESC',
    normalized: 'SELECT blog_post.id, blog_post.title, blog_post.author_id, auth_user.id, auth_user.username FROM blog_post INNER JOIN auth_user ON (blog_post.author_id = auth_user.id) ORDER BY blog_post.created_at DESC',
    operation: 'SELECT', tables: ['blog_post', 'auth_user'],
  },
  {
    orm: 'Post.objects.filter(published=True).select_related("category") (nullable FK)',
    sql: 'SELECT "blog_post"."id", "blog_post"."category_id", "blog_category"."id", "blog_category"."name" FROM "blog_post" LEFT OUTER JOIN "blog_category" ON ("blog_post"."category_id" = "blog_category"."id") WHERE "blog_post"."published" ORDER BY "blog_post"."id" ASC',
    normalized: 'SELECT blog_post.id, blog_post.category_id, blog_category.id, blog_category.name FROM blog_post LEFT OUTER JOIN blog_category ON (blog_post.category_id = blog_category.id) WHERE blog_post.published ORDER BY blog_post.id ASC',
    operation: 'SELECT', tables: ['blog_post', 'blog_category'],
  },
  {
    orm: 'prefetch_related("comments") (reverse FK)',
    sql: 'SELECT "blog_comment"."id", "blog_comment"."post_id", "blog_comment"."body" FROM "blog_comment" WHERE "blog_comment"."post_id" IN (%s, %s, %s, %s, %s)',
    normalized: 'SELECT blog_comment.id, blog_comment.post_id, blog_comment.body FROM blog_comment WHERE blog_comment.post_id IN (?)',
    operation: 'SELECT', tables: ['blog_comment'],
  },
  {
    orm: 'prefetch_related("tags") (M2M through table)',
    sql: 'SELECT ("blog_post_tags"."post_id") AS "_prefetch_related_val_post_id", "blog_tag"."id", "blog_tag"."name" FROM "blog_tag" INNER JOIN "blog_post_tags" ON ("blog_tag"."id" = "blog_post_tags"."tag_id") WHERE "blog_post_tags"."post_id" IN (%s, %s, %s)',
    normalized: 'SELECT (blog_post_tags.post_id) AS _prefetch_related_val_post_id, blog_tag.id, blog_tag.name FROM blog_tag INNER JOIN blog_post_tags ON (blog_tag.id = blog_post_tags.tag_id) WHERE blog_post_tags.post_id IN (?)',
    operation: 'SELECT', tables: ['blog_tag', 'blog_post_tags'],
  },
  {
    orm: 'post.comments.all() (reverse FK in a loop)',
    sql: 'SELECT "blog_comment"."id", "blog_comment"."post_id", "blog_comment"."author_id", "blog_comment"."body", "blog_comment"."created_at" FROM "blog_comment" WHERE "blog_comment"."post_id" = %s ORDER BY "blog_comment"."created_at" ASC',
    normalized: 'SELECT blog_comment.id, blog_comment.post_id, blog_comment.author_id, blog_comment.body, blog_comment.created_at FROM blog_comment WHERE blog_comment.post_id = ? ORDER BY blog_comment.created_at ASC',
    operation: 'SELECT', tables: ['blog_comment'],
  },
  {
    orm: 'Post.objects.filter(tags=tag) (M2M join)',
    sql: 'SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post" INNER JOIN "blog_post_tags" ON ("blog_post"."id" = "blog_post_tags"."post_id") WHERE "blog_post_tags"."tag_id" = %s',
    normalized: 'SELECT blog_post.id, blog_post.title FROM blog_post INNER JOIN blog_post_tags ON (blog_post.id = blog_post_tags.post_id) WHERE blog_post_tags.tag_id = ?',
    operation: 'SELECT', tables: ['blog_post', 'blog_post_tags'],
  },
  {
    orm: 'Post.objects.filter(published=True).count()',
    sql: 'SELECT COUNT(*) AS "__count" FROM "blog_post" WHERE "blog_post"."published"',
    normalized: 'SELECT COUNT(*) AS __count FROM blog_post WHERE blog_post.published',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'Post.objects.filter(slug=s).exists()',
    sql: 'SELECT 1 AS "a" FROM "blog_post" WHERE "blog_post"."slug" = %s LIMIT 1',
    normalized: 'SELECT ? AS a FROM blog_post WHERE blog_post.slug = ? LIMIT ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'aggregate(Avg("views"), last=Max("created_at"))',
    sql: 'SELECT AVG("blog_post"."views") AS "views__avg", MAX("blog_post"."created_at") AS "last" FROM "blog_post"',
    normalized: 'SELECT AVG(blog_post.views) AS views__avg, MAX(blog_post.created_at) AS last FROM blog_post',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'annotate(num_comments=Count("comments")).order_by("-num_comments")[:10]',
    sql: 'SELECT "blog_post"."id", "blog_post"."title", COUNT("blog_comment"."id") AS "num_comments" FROM "blog_post" LEFT OUTER JOIN "blog_comment" ON ("blog_post"."id" = "blog_comment"."post_id") GROUP BY "blog_post"."id" ORDER BY 3 DESC LIMIT 10',
    normalized: 'SELECT blog_post.id, blog_post.title, COUNT(blog_comment.id) AS num_comments FROM blog_post LEFT OUTER JOIN blog_comment ON (blog_post.id = blog_comment.post_id) GROUP BY blog_post.id ORDER BY ? DESC LIMIT ?',
    operation: 'SELECT', tables: ['blog_post', 'blog_comment'],
  },
  {
    orm: 'Tag.objects.bulk_create([...]) (multi-row VALUES)',
    sql: 'INSERT INTO "blog_tag" ("name", "slug") VALUES (%s, %s), (%s, %s), (%s, %s) RETURNING "blog_tag"."id"',
    normalized: 'INSERT INTO blog_tag (name, slug) VALUES (?, ?) RETURNING blog_tag.id',
    operation: 'INSERT', tables: ['blog_tag'],
  },
  {
    orm: 'Tag.objects.bulk_create([...]) on Django 5.2+ (UNNEST form)',
    sql: 'INSERT INTO "blog_tag" ("name", "slug") SELECT * FROM UNNEST((%s)::varchar(50)[], (%s)::varchar(50)[]) RETURNING "blog_tag"."id"',
    normalized: 'INSERT INTO blog_tag (name, slug) SELECT * FROM unnest((?)::varchar(?)[], (?)::varchar(?)[]) RETURNING blog_tag.id',
    operation: 'INSERT', tables: ['blog_tag'],
  },
  {
    orm: 'Post.objects.create(...)',
    sql: 'INSERT INTO "blog_post" ("title", "author_id", "created_at", "published") VALUES (%s, %s, %s, %s) RETURNING "blog_post"."id"',
    normalized: 'INSERT INTO blog_post (title, author_id, created_at, published) VALUES (?, ?, ?, ?) RETURNING blog_post.id',
    operation: 'INSERT', tables: ['blog_post'],
  },
  {
    orm: 'post.tags.add(a, b) (M2M through insert)',
    sql: 'INSERT INTO "blog_post_tags" ("post_id", "tag_id") VALUES (%s, %s), (%s, %s) ON CONFLICT DO NOTHING',
    normalized: 'INSERT INTO blog_post_tags (post_id, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
    operation: 'INSERT', tables: ['blog_post_tags'],
  },
  {
    orm: 'Post.objects.filter(pk=1).update(views=F("views") + 1)',
    sql: 'UPDATE "blog_post" SET "views" = ("blog_post"."views" + %s) WHERE "blog_post"."id" = %s',
    normalized: 'UPDATE blog_post SET views = (blog_post.views + ?) WHERE blog_post.id = ?',
    operation: 'UPDATE', tables: ['blog_post'],
  },
  {
    orm: 'user.save(update_fields=["last_login"])',
    sql: 'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s',
    normalized: 'UPDATE auth_user SET last_login = ? WHERE auth_user.id = ?',
    operation: 'UPDATE', tables: ['auth_user'],
  },
  {
    orm: 'Product.objects.bulk_update(items, ["price"])',
    sql: 'UPDATE "shop_product" SET "price" = CASE WHEN ("shop_product"."id" = %s) THEN %s::numeric(10, 2) WHEN ("shop_product"."id" = %s) THEN %s::numeric(10, 2) ELSE NULL END WHERE "shop_product"."id" IN (%s, %s)',
    normalized: 'UPDATE shop_product SET price = CASE WHEN (shop_product.id = ?) THEN ?::numeric(?, ?) WHEN (shop_product.id = ?) THEN ?::numeric(?, ?) ELSE NULL END WHERE shop_product.id IN (?)',
    operation: 'UPDATE', tables: ['shop_product'],
  },
  {
    orm: 'Comment.objects.filter(...).delete() (collector deletes by pk IN)',
    sql: 'DELETE FROM "blog_comment" WHERE "blog_comment"."id" IN (%s, %s, %s)',
    normalized: 'DELETE FROM blog_comment WHERE blog_comment.id IN (?)',
    operation: 'DELETE', tables: ['blog_comment'],
  },
  {
    orm: 'post.tags.remove(a, b)',
    sql: 'DELETE FROM "blog_post_tags" WHERE ("blog_post_tags"."post_id" = %s AND "blog_post_tags"."tag_id" IN (%s, %s))',
    normalized: 'DELETE FROM blog_post_tags WHERE (blog_post_tags.post_id = ? AND blog_post_tags.tag_id IN (?))',
    operation: 'DELETE', tables: ['blog_post_tags'],
  },
  {
    orm: 'Session.objects.filter(expire_date__lt=now).delete()',
    sql: 'DELETE FROM "django_session" WHERE "django_session"."expire_date" < %s',
    normalized: 'DELETE FROM django_session WHERE django_session.expire_date < ?',
    operation: 'DELETE', tables: ['django_session'],
  },
  {
    orm: 'transaction.atomic() nested: savepoint',
    sql: 'SAVEPOINT "s140234567890_x1"',
    normalized: 'SAVEPOINT ?', operation: 'SAVEPOINT', tables: [],
  },
  {
    orm: 'transaction.atomic() nested: release',
    sql: 'RELEASE SAVEPOINT "s140234567890_x1"',
    normalized: 'RELEASE SAVEPOINT ?', operation: 'RELEASE', tables: [],
  },
  {
    orm: 'transaction.atomic() nested: rollback',
    sql: 'ROLLBACK TO SAVEPOINT "s140234567890_x2"',
    normalized: 'ROLLBACK TO SAVEPOINT ?', operation: 'ROLLBACK', tables: [],
  },
  {
    orm: 'filter(created_at__date=d) (TruncDate cast)',
    sql: 'SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post" WHERE ("blog_post"."created_at" AT TIME ZONE %s)::date = %s::date',
    normalized: 'SELECT blog_post.id, blog_post.title FROM blog_post WHERE (blog_post.created_at AT TIME ZONE ?)::date = ?::date',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'values(year=ExtractYear("created_at")).annotate(n=Count("id"))',
    sql: 'SELECT EXTRACT(YEAR FROM "blog_post"."created_at" AT TIME ZONE %s) AS "year", COUNT("blog_post"."id") AS "n" FROM "blog_post" GROUP BY 1',
    normalized: 'SELECT EXTRACT(YEAR FROM blog_post.created_at AT TIME ZONE ?) AS year, COUNT(blog_post.id) AS n FROM blog_post GROUP BY ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'filter(attrs__color="red") (JSONField key transform)',
    sql: 'SELECT "shop_product"."id", "shop_product"."attrs" FROM "shop_product" WHERE ("shop_product"."attrs" -> %s) = %s',
    normalized: 'SELECT shop_product.id, shop_product.attrs FROM shop_product WHERE (shop_product.attrs -> ?) = ?',
    operation: 'SELECT', tables: ['shop_product'],
  },
  {
    orm: 'filter(attrs__contains={...}, attrs__has_key="size")',
    sql: 'SELECT "shop_product"."id" FROM "shop_product" WHERE ("shop_product"."attrs" @> %s AND "shop_product"."attrs" ? %s)',
    normalized: 'SELECT shop_product.id FROM shop_product WHERE (shop_product.attrs @> ? AND shop_product.attrs ? ?)',
    operation: 'SELECT', tables: ['shop_product'],
  },
  {
    orm: 'filter(attrs__has_any_keys=[...], attrs__size__name__iexact=...) (?| and ->> / #>)',
    sql: 'SELECT "shop_product"."id" FROM "shop_product" WHERE ("shop_product"."attrs" ?| %s AND UPPER(("shop_product"."attrs" #>> %s)::text) = UPPER(%s) AND ("shop_product"."attrs" ->> %s) IS NOT NULL)',
    normalized: 'SELECT shop_product.id FROM shop_product WHERE (shop_product.attrs ?| ? AND UPPER((shop_product.attrs #>> ?)::text) = UPPER(?) AND (shop_product.attrs ->> ?) IS NOT NULL)',
    operation: 'SELECT', tables: ['shop_product'],
  },
  {
    orm: 'cursor.execute("SELECT pg_sleep(%s)", [0.2]) (slow view in the demo)',
    sql: 'SELECT pg_sleep(%s)',
    normalized: 'SELECT pg_sleep(?)', operation: 'SELECT', tables: [],
  },
  {
    orm: 'Tag.objects.values_list("name", flat=True).distinct().order_by("name")',
    sql: 'SELECT DISTINCT "blog_tag"."name" FROM "blog_tag" ORDER BY "blog_tag"."name" ASC',
    normalized: 'SELECT DISTINCT blog_tag.name FROM blog_tag ORDER BY blog_tag.name ASC',
    operation: 'SELECT', tables: ['blog_tag'],
  },
  {
    orm: 'order_by("author_id", "-created_at").distinct("author_id")',
    sql: 'SELECT DISTINCT ON ("blog_post"."author_id") "blog_post"."id", "blog_post"."author_id" FROM "blog_post" ORDER BY "blog_post"."author_id" ASC, "blog_post"."created_at" DESC',
    normalized: 'SELECT DISTINCT ON (blog_post.author_id) blog_post.id, blog_post.author_id FROM blog_post ORDER BY blog_post.author_id ASC, blog_post.created_at DESC',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'Comment.objects.filter(post__in=Post.objects.filter(author=u)) (subquery)',
    sql: 'SELECT "blog_comment"."id", "blog_comment"."body" FROM "blog_comment" WHERE "blog_comment"."post_id" IN (SELECT U0."id" FROM "blog_post" U0 WHERE U0."author_id" = %s)',
    normalized: 'SELECT blog_comment.id, blog_comment.body FROM blog_comment WHERE blog_comment.post_id IN (SELECT u0.id FROM blog_post u0 WHERE u0.author_id = ?)',
    operation: 'SELECT', tables: ['blog_comment', 'blog_post'],
  },
  {
    orm: 'annotate(has_comments=Exists(Comment.objects.filter(post=OuterRef("pk"))))',
    sql: 'SELECT "blog_post"."id", EXISTS(SELECT 1 AS "a" FROM "blog_comment" U0 WHERE U0."post_id" = ("blog_post"."id") LIMIT 1) AS "has_comments" FROM "blog_post"',
    normalized: 'SELECT blog_post.id, EXISTS (SELECT ? AS a FROM blog_comment u0 WHERE u0.post_id = (blog_post.id) LIMIT ?) AS has_comments FROM blog_post',
    operation: 'SELECT', tables: ['blog_comment', 'blog_post'],
  },
  {
    orm: 'annotate(n=Coalesce(Subquery(...count...), 0))',
    sql: 'SELECT "blog_post"."id", COALESCE((SELECT COUNT(U0."id") AS "n" FROM "blog_comment" U0 WHERE U0."post_id" = ("blog_post"."id") GROUP BY U0."post_id"), %s) AS "n" FROM "blog_post"',
    normalized: 'SELECT blog_post.id, COALESCE((SELECT COUNT(u0.id) AS n FROM blog_comment u0 WHERE u0.post_id = (blog_post.id) GROUP BY u0.post_id), ?) AS n FROM blog_post',
    operation: 'SELECT', tables: ['blog_comment', 'blog_post'],
  },
  {
    orm: 'raw CTE through connection.cursor()',
    sql: 'WITH recent AS (SELECT "blog_post"."id" FROM "blog_post" WHERE "blog_post"."created_at" > %s) SELECT COUNT(*) FROM "blog_comment" INNER JOIN recent ON ("blog_comment"."post_id" = recent."id")',
    normalized: 'WITH recent AS (SELECT blog_post.id FROM blog_post WHERE blog_post.created_at > ?) SELECT COUNT(*) FROM blog_comment INNER JOIN recent ON (blog_comment.post_id = recent.id)',
    operation: 'SELECT', tables: ['blog_post', 'blog_comment'],
  },
  {
    orm: 'Paginator page 3 (LIMIT/OFFSET)',
    sql: 'SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post" ORDER BY "blog_post"."id" DESC LIMIT 20 OFFSET 40',
    normalized: 'SELECT blog_post.id, blog_post.title FROM blog_post ORDER BY blog_post.id DESC LIMIT ? OFFSET ?',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'filter(title__icontains=q)',
    sql: 'SELECT "blog_post"."id" FROM "blog_post" WHERE UPPER("blog_post"."title"::text) LIKE UPPER(%s)',
    normalized: 'SELECT blog_post.id FROM blog_post WHERE UPPER(blog_post.title::text) LIKE UPPER(?)',
    operation: 'SELECT', tables: ['blog_post'],
  },
  {
    orm: 'select_for_update().get(pk=1)',
    sql: 'SELECT "shop_order"."id", "shop_order"."status" FROM "shop_order" WHERE "shop_order"."id" = %s LIMIT 21 FOR UPDATE',
    normalized: 'SELECT shop_order.id, shop_order.status FROM shop_order WHERE shop_order.id = ? LIMIT ? FOR UPDATE',
    operation: 'SELECT', tables: ['shop_order'],
  },
  {
    orm: 'annotate(rn=Window(RowNumber(), partition_by=..., order_by=...))',
    sql: 'SELECT "blog_post"."id", ROW_NUMBER() OVER (PARTITION BY "blog_post"."author_id" ORDER BY "blog_post"."created_at" DESC) AS "rn" FROM "blog_post"',
    normalized: 'SELECT blog_post.id, row_number() OVER (PARTITION BY blog_post.author_id ORDER BY blog_post.created_at DESC) AS rn FROM blog_post',
    operation: 'SELECT', tables: ['blog_post'],
  },
];

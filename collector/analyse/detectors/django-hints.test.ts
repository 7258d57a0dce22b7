import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintSql } from '../fingerprint/fingerprint-sql.js';
import { modelOfTable, nPlusOneHint, writeLoopHint } from './django-hints.js';

const hint = (sql: string) => nPlusOneHint(fingerprintSql(sql));

describe('Django ORM hints', () => {
  test('the model name is the part of a default table name after the app label', () => {
    assert.equal(modelOfTable('shop_author'), 'author');
    assert.equal(modelOfTable('django_celery_results_taskresult'), 'taskresult');
    assert.equal(modelOfTable('plain'), 'plain');
  });

  test('a forward ForeignKey fetch (id = ? LIMIT 21) suggests select_related with the guessed field', () => {
    const h = hint('SELECT "shop_author"."id", "shop_author"."name" FROM "shop_author" WHERE "shop_author"."id" = %s LIMIT 21');
    assert.equal(h.method, 'select_related');
    assert.equal(h.field, 'author');
    assert.match(h.text, /select_related\('author'\)/);
    assert.match(h.text, /guessed/);
  });

  test('a reverse ForeignKey fetch suggests prefetch_related of the default <model>_set accessor', () => {
    const h = hint('SELECT "shop_review"."id" FROM "shop_review" WHERE "shop_review"."book_id" = %s');
    assert.deepEqual([h.method, h.field], ['prefetch_related', 'review_set']);
  });

  test('a many-to-many fetch through a join table suggests prefetch_related of the m2m field', () => {
    const h = hint('SELECT "shop_tag"."id", "shop_tag"."name" FROM "shop_tag" INNER JOIN "shop_book_tags" ON ("shop_tag"."id" = "shop_book_tags"."tag_id") WHERE "shop_book_tags"."book_id" = %s');
    assert.deepEqual([h.method, h.field], ['prefetch_related', 'tags']);
  });

  test('a reverse one-to-one (fk_id = ? LIMIT 21) suggests select_related of the related model', () => {
    const h = hint('SELECT "accounts_profile"."id" FROM "accounts_profile" WHERE "accounts_profile"."user_id" = %s LIMIT 21');
    assert.deepEqual([h.method, h.field], ['select_related', 'profile']);
  });

  test('a query of no recognisable ORM shape gets the generic advice', () => {
    assert.equal(hint('SELECT "shop_book"."id" FROM "shop_book" WHERE "shop_book"."title" = %s').method, '');
  });

  test('write loops get bulk_create, update/bulk_update or queryset delete', () => {
    assert.match(writeLoopHint(fingerprintSql('INSERT INTO "shop_review" ("book_id") VALUES (%s)')), /Review\.objects\.bulk_create/);
    assert.match(writeLoopHint(fingerprintSql('UPDATE "shop_book" SET "price" = %s WHERE "shop_book"."id" = %s')), /bulk_update/);
    assert.match(writeLoopHint(fingerprintSql('DELETE FROM "shop_book" WHERE "shop_book"."id" IN (%s)')), /filter\(pk__in=ids\)\.delete\(\)/);
  });
});

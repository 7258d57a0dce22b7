import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintSql } from '../fingerprint/fingerprint-sql.js';
import { SQL } from '../testing.js';
import { sqlShape } from './sql-shape.js';

describe('sqlShape', () => {
  test('reads the first WHERE predicate, LIMIT and COUNT from normalised Django SQL', () => {
    const get = sqlShape(fingerprintSql(SQL.authorById));
    assert.deepEqual([get.isSelect, get.bounded, get.isCount, get.whereTable, get.whereColumn, get.whereIn], [true, true, false, 'shop_author', 'id', false]);
    const prefetch = sqlShape(fingerprintSql(SQL.reviewsOfBooks));
    assert.deepEqual([prefetch.bounded, prefetch.whereColumn, prefetch.whereIn], [false, 'book_id', true]);
    assert.equal(sqlShape(fingerprintSql(SQL.countBooks)).isCount, true);
    assert.equal(sqlShape(fingerprintSql(SQL.insertReview)).isWrite, true);
  });

  test('a statement without WHERE has no predicate', () => {
    const all = sqlShape(fingerprintSql(SQL.books));
    assert.deepEqual([all.whereTable, all.whereColumn, all.bounded], ['', '', false]);
  });

  test('the same SqlInfo object is analysed once and the result reused', () => {
    const info = fingerprintSql(SQL.books);
    assert.equal(sqlShape(info), sqlShape(info));
  });
});

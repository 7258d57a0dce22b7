// Route plans for synthetic traffic: which pool statements each route runs and whether it has an
// N+1 loop. Plans are a pure function of the options, so a seed reproduces the same traffic.

import { GET_BY_ID_SHAPE, SHAPES } from './synthetic-sql.js';

export interface RoutePlan {
  method: string;
  /** Django `http.route` (no leading slash, path converters kept). */
  route: string;
  /** Example concrete path for `http.target` (ids only, never a query string). */
  path: string;
  /** Dotted view path (`hotpath.django.view`). */
  view: string;
  template: string;
  /** Pool indices this route runs, in order, cycled to fill the request's DB span count. */
  statements: number[];
  /** Pool index the route repeats in an N+1 loop (a `.get()`-shaped statement), or -1. */
  nPlusOne: number;
}

const NAMED: Array<[string, string, string]> = [
  ['GET', 'books/', 'shop.views.book_list'],
  ['GET', 'books/<int:pk>/', 'shop.views.book_detail'],
  ['GET', 'authors/<int:pk>/books/', 'shop.views.author_books'],
  ['GET', 'orders/', 'shop.views.order_list'],
  ['POST', 'orders/checkout/', 'shop.views.checkout'],
  ['GET', 'orders/<int:pk>/', 'shop.views.order_detail'],
  ['GET', 'reviews/recent/', 'shop.views.recent_reviews'],
  ['GET', 'api/v1/books/', 'shop.api.BookViewSet.list'],
];

function routeAt(i: number): [string, string, string] {
  const named = NAMED[i];
  if (named !== undefined) return named;
  return ['GET', `section${i}/items/<int:pk>/`, `shop.views.section${i}_item`];
}

/**
 * Statement `k` of the pool goes to route `k % routes`, so with at least as many requests per
 * route as cycles, every fingerprint of the pool is used and no other. Routes left without a
 * statement (routes > fingerprints) share `r % fingerprints`. One route in every
 * `round(1 / nPlusOneShare)` gets an N+1 loop over a get-by-id statement of the pool.
 */
export function planRoutes(routes: number, fingerprints: number, nPlusOneShare: number): RoutePlan[] {
  if (!Number.isInteger(routes) || routes < 1) throw new RangeError(`routes must be a positive integer, got ${routes}`);
  if (!Number.isInteger(fingerprints) || fingerprints < 1) {
    throw new RangeError(`fingerprints must be a positive integer, got ${fingerprints}`);
  }
  const getById = Array.from({ length: Math.ceil(fingerprints / SHAPES) }, (_, m) => m * SHAPES + GET_BY_ID_SHAPE);
  const every = nPlusOneShare > 0 ? Math.max(1, Math.round(1 / nPlusOneShare)) : Infinity;
  const plans: RoutePlan[] = [];
  for (let r = 0; r < routes; r++) {
    const [method, route, view] = routeAt(r);
    const statements: number[] = [];
    for (let k = r; k < fingerprints; k += routes) statements.push(k);
    if (statements.length === 0) statements.push(r % fingerprints);
    const slug = route.replace(/<[^>]+>/g, 'x').replace(/\W+/g, '_').replace(/^_|_$/g, '');
    plans.push({
      method,
      route,
      path: '/' + route.replace(/<int:\w+>/g, String(100 + r)),
      view,
      template: `shop/${slug || 'index'}.html`,
      statements,
      nPlusOne: Number.isFinite(every) && r % every === 0 ? (getById[r % getById.length] as number) : -1,
    });
  }
  return plans;
}

/** Offset pagination: the reader fetches one row more than asked to learn whether a next page exists. */
export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  /** Offset of the next page, null on the last page. */
  nextOffset: number | null;
}

export function pageOf<T>(rows: T[], page: PageRequest): Page<T> {
  const more = rows.length > page.limit;
  return { items: more ? rows.slice(0, page.limit) : rows, nextOffset: more ? page.offset + page.limit : null };
}

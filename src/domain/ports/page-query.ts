/** A page of an upstream listing: 1-based page number, page size. */
export interface PageQuery {
  page: number;
  limit: number;
}

/** One page of an upstream listing, and the upstream's count of the whole listing (`meta.total`; null when it gives none). */
export interface ListedPage<T> {
  items: T[];
  /** An estimate only: the listing changes while it is paged. */
  total: number | null;
}

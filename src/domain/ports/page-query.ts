/** A page of an upstream listing: 1-based page number, page size. */
export interface PageQuery {
  page: number;
  limit: number;
}

/*
 * What the service's own OpenAPI document (/api/openapi.json, public) says it offers: the run
 * kinds, statuses and triggers the filters list, and which optional triggers exist. Read once
 * per page load, so a kind or endpoint added to the service shows up without a console change.
 */

export interface ApiCatalog {
  kinds: string[];
  statuses: string[];
  triggers: string[];
  /** `POST <path>` operations of the document, as templated there (`/api/jobs/import/{slug}`). */
  postPaths: Set<string>;
}

interface OpenApiParameter {
  name?: string;
  in?: string;
  schema?: { enum?: unknown[] };
}

interface OpenApiDocumentShape {
  paths?: Record<string, Record<string, { parameters?: OpenApiParameter[] } | undefined>>;
}

const FALLBACK: Omit<ApiCatalog, 'postPaths'> = {
  kinds: ['import', 'contacts-sync', 'reconcile', 'backfill'],
  statuses: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
  triggers: ['manual', 'schedule'],
};

/**
 * Reads the catalog out of an OpenAPI document; anything missing falls back to what the service
 * serving this console has (filters only: no optional action is offered without its documented path).
 */
export function catalogFrom(document: unknown): ApiCatalog {
  const paths = (document as OpenApiDocumentShape | null)?.paths ?? {};
  const listParameters = paths['/api/jobs']?.get?.parameters ?? [];
  const enumOf = (name: string, fallback: string[]) => {
    const values = listParameters.find((parameter) => parameter.in === 'query' && parameter.name === name)?.schema?.enum;
    return Array.isArray(values) && values.every((value) => typeof value === 'string') && values.length ? (values as string[]) : fallback;
  };
  return {
    kinds: enumOf('kind', FALLBACK.kinds),
    statuses: enumOf('status', FALLBACK.statuses),
    triggers: enumOf('trigger', FALLBACK.triggers),
    postPaths: new Set(Object.entries(paths).flatMap(([path, item]) => (item?.post ? [path] : []))),
  };
}

export async function loadCatalog(): Promise<ApiCatalog> {
  try {
    const response = await fetch('/api/openapi.json', { credentials: 'omit' });
    return catalogFrom(response.ok ? await response.json() : null);
  } catch {
    return catalogFrom(null);
  }
}

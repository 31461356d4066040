/*
 * Pages are addressed by the URL's fragment (#/clients, #/runs, #/runs/<id>): the service serves
 * one page, and the fragment never reaches it (nor its logs). Nothing secret is ever put there.
 */

export type Route = { page: 'clients' } | { page: 'runs' } | { page: 'run'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const run = /^\/runs\/([0-9a-f-]{36})$/i.exec(path);
  if (run) return { page: 'run', id: run[1]!.toLowerCase() };
  if (path === '/runs') return { page: 'runs' };
  return { page: 'clients' };
}

export function hrefOf(route: Route): string {
  return route.page === 'run' ? `#/runs/${route.id}` : `#/${route.page}`;
}

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AdminApi } from '../api/admin-api.js';
import type { ApiCatalog } from '../api/api-catalog.js';

export interface ConsoleSession {
  api: AdminApi;
  catalog: ApiCatalog;
  /** Turns any failure into the text a page shows; a refused token signs out. */
  describe(error: unknown): string;
}

export const ConsoleContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const session = useContext(ConsoleContext);
  if (!session) throw new Error('useSession outside the signed-in console');
  return session;
}

/*
 * The admin token lives in this tab's sessionStorage only: gone when the tab closes, never in
 * localStorage, a cookie or a URL. A storage the browser refuses (privacy modes) keeps it in
 * memory for the page's life instead.
 */

const KEY = 'helpdesk-importer.admin-token';

export interface TokenStore {
  read(): string | null;
  write(token: string): void;
  clear(): void;
}

/** The part of the Web Storage API the store uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function sessionTokenStore(storage: StorageLike | null = safeSessionStorage()): TokenStore {
  let inMemory: string | null = null;
  return {
    read: () => storage?.getItem(KEY) ?? inMemory,
    write: (token) => {
      inMemory = token;
      storage?.setItem(KEY, token);
    },
    clear: () => {
      inMemory = null;
      storage?.removeItem(KEY);
    },
  };
}

function safeSessionStorage(): StorageLike | null {
  try {
    return (globalThis as { sessionStorage?: StorageLike }).sessionStorage ?? null;
  } catch {
    return null;
  }
}

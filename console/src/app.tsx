import { useEffect, useMemo, useState } from 'preact/hooks';
import { AdminApi } from './api/admin-api.js';
import { ApiError, ThrottledError, UnauthorizedError } from './api/api-errors.js';
import { loadCatalog, type ApiCatalog } from './api/api-catalog.js';
import { ClientsPage } from './clients/clients-page.js';
import { RunPage } from './runs/run-page.js';
import { RunsPage } from './runs/runs-page.js';
import { sessionTokenStore } from './session/token-store.js';
import { ConsoleContext, type ConsoleSession } from './shared/console-context.js';
import { hrefOf, useRoute, type Route } from './shared/router.js';
import { SignIn } from './sign-in.js';

const tokens = sessionTokenStore();

export function App() {
  const [token, setToken] = useState<string | null>(() => tokens.read());
  const [catalog, setCatalog] = useState<ApiCatalog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  useEffect(() => {
    void loadCatalog().then(setCatalog);
  }, []);
  // A new page: the keyboard starts again at its content, as after a page load.
  const page = route.page === 'run' ? route.id : route.page;
  useEffect(() => {
    document.querySelector<HTMLElement>('main.content')?.focus({ preventScroll: true });
  }, [page]);

  const signOut = (message: string | null) => {
    tokens.clear();
    setToken(null);
    setNotice(message);
  };

  const session = useMemo<ConsoleSession | null>(() => {
    if (!token || !catalog) return null;
    return {
      api: new AdminApi(token),
      catalog,
      describe: (error) => {
        if (error instanceof UnauthorizedError) {
          signOut('The service no longer accepts this token: sign in again.');
          return error.message;
        }
        if (error instanceof ThrottledError) return 'The service is refusing requests from this address for a while (too many wrong tokens).';
        if (error instanceof ApiError) return error.message;
        return 'Something went wrong in the console.';
      },
    };
  }, [token, catalog]);

  if (!token) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(accepted) => {
          tokens.write(accepted);
          setNotice(null);
          setToken(accepted);
        }}
      />
    );
  }
  if (!session) return <p class="loading">Loading…</p>;

  return (
    <ConsoleContext.Provider value={session}>
      <header class="top-bar">
        <a class="brand" href={hrefOf({ page: 'clients' })}>
          helpdesk-importer
        </a>
        <nav aria-label="Console">
          <NavLink route={{ page: 'clients' }} current={route} label="Clients" />
          <NavLink route={{ page: 'runs' }} current={route} label="Runs" />
          <a href="/api/docs">API docs</a>
        </nav>
        <button type="button" class="secondary" onClick={() => signOut('Signed out.')}>
          Sign out
        </button>
      </header>
      <main class="content" tabIndex={-1}>
        {route.page === 'clients' && <ClientsPage />}
        {route.page === 'runs' && <RunsPage />}
        {route.page === 'run' && <RunPage key={route.id} id={route.id} />}
      </main>
    </ConsoleContext.Provider>
  );
}

function NavLink({ route, current, label }: { route: Route; current: Route; label: string }) {
  const active = current.page === route.page || (route.page === 'runs' && current.page === 'run');
  return (
    <a href={hrefOf(route)} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
}

import { useState } from 'preact/hooks';
import type { ApiError } from './api/api-errors.js';
import { AdminApi } from './api/admin-api.js';
import { signInMessage } from './session/sign-in-message.js';

/** The token form: the token is checked against the API before it is kept. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (token: string) => void; notice: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter the admin token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await new AdminApi(candidate).listClients();
      onSignedIn(candidate);
    } catch (caught) {
      setError(signInMessage(caught as ApiError));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>helpdesk-importer</h1>
      <form class="card" onSubmit={submit} aria-describedby="sign-in-help">
        <h2>Sign in</h2>
        <p id="sign-in-help" class="muted">
          The token stays in this tab only (session storage) and is forgotten when you sign out or close the tab.
        </p>
        {notice && <p class="notice">{notice}</p>}
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          name="admin-token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        {error && (
          <p id="sign-in-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

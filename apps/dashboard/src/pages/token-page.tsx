import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { apiToken } from '../api/token.js';

/** Asked once when the driver answers 401: the token is kept in this browser's local storage. */
export function TokenPage({ hadToken, onSaved }: { hadToken: boolean; onSaved: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(hadToken ? 'The saved token was refused.' : null);
  const submit = async (e: Event) => {
    e.preventDefault();
    apiToken.set(token.trim());
    try {
      await api.jobs();
      onSaved();
    } catch (err) {
      apiToken.clear();
      setError(`The driver refused this token: ${(err as Error).message}`);
    }
  };
  return (
    <main class="narrow">
      <h1>Tusk</h1>
      <p>
        This driver requires its API token (<code>TUSK_API_TOKEN</code>).
      </p>
      <form onSubmit={submit}>
        <label>
          API token
          <input name="token" type="password" autoFocus value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        {error && <p class="error">{error}</p>}
        <button type="submit" disabled={!token.trim()}>
          Open the dashboard
        </button>
      </form>
    </main>
  );
}

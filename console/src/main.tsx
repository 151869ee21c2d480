import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, forgetKey, get, storedKey, storeKey, type Session } from './api.js';
import { AssignmentList } from './views/assignment-list.js';
import { AssignmentPage } from './views/assignment-page.js';
import { AuditPage } from './views/audit-page.js';
import { AdminPage } from './views/admin-page.js';

type Route = { page: 'list' } | { page: 'assignment'; id: string } | { page: 'audit' } | { page: 'admin' };

/** Hash routes (#/assignments/ID): the server has one page, and the key never rides in a URL. */
const routeOf = (hash: string): Route => {
  const path = hash.replace(/^#/, '');
  const assignment = /^\/assignments\/([^/]+)$/.exec(path);
  if (assignment) return { page: 'assignment', id: decodeURIComponent(assignment[1]!) };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/admin') return { page: 'admin' };
  return { page: 'list' };
};

const useRoute = (): Route => {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
};

const TITLES: Record<Route['page'], string> = {
  list: 'Assignments',
  assignment: 'Assignment',
  audit: 'Audit',
  admin: 'Administration',
};

const Login = ({ onSession }: { onSession: (session: Session) => void }) => {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    storeKey(key.trim());
    try {
      onSession(await get<Session>('/session'));
    } catch (e) {
      forgetKey();
      setError(
        e instanceof ApiError ? e.problem.detail : `The ledger could not be reached: ${(e as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Assignment ledger</h1>
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">Sign in with your API key</h2>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="off"
            required
            value={key}
            aria-describedby="api-key-hint"
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
          <small id="api-key-hint" class="hint">
            Kept in this tab only (session storage) and sent only to this ledger.
          </small>
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
};

const canRead = (session: Session) => session.role !== 'subscriber';
const canAudit = (session: Session) => session.role === 'auditor' || session.role === 'admin';

const App = () => {
  const [session, setSession] = useState<Session | null | undefined>(storedKey() ? undefined : null);
  const route = useRoute();

  useEffect(() => {
    if (session !== undefined) return;
    get<Session>('/session')
      .then(setSession)
      .catch(() => {
        forgetKey();
        setSession(null);
      });
  }, [session]);

  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · Assignment ledger`;
    // A new page: keyboard and screen-reader users start at its content, not on a link that is gone.
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus();
  }, [route]);

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <Login onSession={setSession} />;

  const signOut = () => {
    forgetKey();
    setSession(null);
  };

  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Assignment ledger</span>
        <nav aria-label="Main">
          <ul>
            {canRead(session) ? (
              <li>
                <a href="#/" aria-current={route.page === 'list' ? 'page' : undefined}>
                  Assignments
                </a>
              </li>
            ) : null}
            {canAudit(session) ? (
              <li>
                <a href="#/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
                  Audit
                </a>
              </li>
            ) : null}
            {session.role === 'admin' ? (
              <li>
                <a href="#/admin" aria-current={route.page === 'admin' ? 'page' : undefined}>
                  Administration
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <span class="who">
          <span data-testid="role">{session.role}</span> · key {session.fingerprint}
        </span>
        <button type="button" class="link-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {!canRead(session) ? (
          <p>
            A <strong>{session.role}</strong> key follows the event feed (GET /events, webhooks); the console
            has no pages for it.
          </p>
        ) : route.page === 'assignment' ? (
          <AssignmentPage id={route.id} session={session} />
        ) : route.page === 'audit' && canAudit(session) ? (
          <AuditPage />
        ) : route.page === 'admin' && session.role === 'admin' ? (
          <AdminPage />
        ) : (
          <AssignmentList session={session} />
        )}
      </main>
    </>
  );
};

render(<App />, document.getElementById('app')!);

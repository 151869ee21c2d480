import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.js';

interface Health {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  details?: Record<
    string,
    { status: string; lag?: number; position?: number; projections?: ProjectionLag[] }
  >;
}

interface ProjectionLag {
  name: string;
  version?: number;
  checkpoint: number;
  lag: number;
  state: string;
}

interface Webhook {
  id: string;
  url: string;
  status: 'active' | 'paused';
  pausedReason: string | null;
  failures: number;
  lastError: string | null;
  checkpoint: number;
  delivered: number;
}

interface Key {
  role: string;
  fingerprint: string;
  source?: string;
  label?: string;
}

const message = (e: unknown) => (e instanceof ApiError ? e.problem.detail : String(e));

/** Projection lag, webhooks with their state (a paused one can be resumed), keys by fingerprint. */
export const AdminPage = () => {
  const [health, setHealth] = useState<Health | undefined>();
  const [hooks, setHooks] = useState<Webhook[] | undefined>();
  const [keys, setKeys] = useState<Key[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    // /health answers 503 with the same body when a check is down: the body is what is shown.
    fetch('/health', { cache: 'no-store' })
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch((e) => setError(message(e)));
    get<Webhook[]>('/webhooks')
      .then(setHooks)
      .catch((e) => setError(message(e)));
    get<{ items: Key[] }>('/admin/keys')
      .then((answer) => setKeys(answer.items))
      .catch((e) => setError(message(e)));
  }, [refresh]);

  const resume = async (id: string) => {
    try {
      await request(`/webhooks/${encodeURIComponent(id)}/resume`, { method: 'POST', body: {} });
      setRefresh((n) => n + 1);
    } catch (e) {
      setError(message(e));
    }
  };

  const readModels = health?.details?.readModels;
  return (
    <>
      <h1>Administration</h1>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <section class="panel" aria-labelledby="lag-title">
        <h2 id="lag-title">Projections</h2>
        {readModels ? (
          <>
            <p>
              Read models at position {readModels.position}, lag {readModels.lag} ({readModels.status}).
            </p>
            <table class="list compact">
              <thead>
                <tr>
                  <th scope="col">Projection</th>
                  <th scope="col">Checkpoint</th>
                  <th scope="col">Lag</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {readModels.projections?.map((p) => (
                  <tr key={p.name}>
                    <td data-label="Projection">
                      {p.name} v{p.version ?? '-'}
                    </td>
                    <td data-label="Checkpoint">{p.checkpoint}</td>
                    <td data-label="Lag">{p.lag}</td>
                    <td data-label="State">{p.state}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>Loading…</p>
        )}
      </section>
      <section class="panel" aria-labelledby="hooks-title">
        <h2 id="hooks-title">Webhooks</h2>
        {hooks && hooks.length === 0 ? <p>No webhook is registered.</p> : null}
        <ul class="cards">
          {hooks?.map((hook) => (
            <li key={hook.id}>
              <p class="wrap">
                <strong>{hook.status}</strong> {hook.url}
              </p>
              <p>
                checkpoint {hook.checkpoint}, delivered {hook.delivered}, failures {hook.failures}
                {hook.pausedReason ? `, paused: ${hook.pausedReason}` : ''}
                {hook.lastError ? `, last error: ${hook.lastError}` : ''}
              </p>
              {hook.status === 'paused' ? (
                <button type="button" onClick={() => void resume(hook.id)}>
                  Resume {hook.url}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section class="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <table class="list compact">
          <thead>
            <tr>
              <th scope="col">Fingerprint</th>
              <th scope="col">Role</th>
              <th scope="col">Source</th>
              <th scope="col">Label</th>
            </tr>
          </thead>
          <tbody>
            {keys?.map((key) => (
              <tr key={key.fingerprint}>
                <td data-label="Fingerprint" class="mono">
                  {key.fingerprint}
                </td>
                <td data-label="Role">{key.role}</td>
                <td data-label="Source">{key.source ?? '-'}</td>
                <td data-label="Label">{key.label ?? '-'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
};

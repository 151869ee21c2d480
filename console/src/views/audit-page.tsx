import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, request } from '../api.js';

interface Head {
  position: number;
  hash: string;
}

interface Verification {
  ok: boolean;
  checked: number;
  head: { position: number; hash: string | null };
  problem?: { position: number; eventId: string; streamId: string; reason: string };
}

/** Verify status and the head hash to note (GET /integrity/head, POST /integrity/verification). */
export const AuditPage = () => {
  const [head, setHead] = useState<Head | undefined>();
  const [headError, setHeadError] = useState<string | undefined>();
  const [result, setResult] = useState<Verification | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<Head>('/integrity/head')
      .then(setHead)
      .catch((e) => setHeadError(e instanceof ApiError ? e.problem.detail : String(e)));
  }, []);

  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await request<Verification>('/integrity/verification', { method: 'POST', body: {} }));
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.detail : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Audit</h1>
      <section class="panel" aria-labelledby="head-title">
        <h2 id="head-title">Head of the log</h2>
        {head ? (
          <p>
            Position <strong data-testid="head-position">{head.position}</strong>, hash{' '}
            <code class="mono wrap" data-testid="head-hash">
              {head.hash}
            </code>
            . Note it (<code class="mono">{`${head.position}:${head.hash.slice(0, 12)}…`}</code>) and compare
            it later with <code>ledger verify --expect-head</code>.
          </p>
        ) : headError ? (
          <p class="form-error" role="alert">
            {headError}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </section>
      <section class="panel" aria-labelledby="verify-title">
        <h2 id="verify-title">Verification</h2>
        <p>Recomputes every event's hash, each stream's revisions and the chain of the whole log.</p>
        <button type="button" onClick={() => void verify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify the ledger'}
        </button>
        <div role="status" aria-live="polite" data-testid="verify-result">
          {result?.ok ? (
            <p class="ok">
              Verified: {result.checked} events, nothing altered. Head {result.head.position}.
            </p>
          ) : result?.problem ? (
            <p class="bad">
              Verification failed at position {result.problem.position}, event{' '}
              <code class="mono">{result.problem.eventId || '-'}</code> of {result.problem.streamId || '-'}:{' '}
              {result.problem.reason}.
            </p>
          ) : null}
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </section>
      <p>Each assignment's page offers its history for download (CSV, JSON).</p>
    </>
  );
};

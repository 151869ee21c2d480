import { useState } from 'preact/hooks';
import { ApiError, fetchFile, query } from '../api.js';

const save = (name: string, blob: Blob) => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

interface ExportProps {
  assignmentId: string;
  asOf: string;
  knownAt?: string | undefined;
}

/** `GET /assignments/{id}/export`: what `ledger export --assignment` writes, as the page's point of view sees it. */
export const ExportButtons = ({ assignmentId, asOf, knownAt }: ExportProps) => {
  const [error, setError] = useState<string | undefined>();
  const run = async (format: 'csv' | 'json') => {
    setError(undefined);
    try {
      const path = `/assignments/${encodeURIComponent(assignmentId)}/export${query({ format, asOf, knownAt })}`;
      save(`${assignmentId}.${format}`, await fetchFile(path));
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.detail : String(e));
    }
  };
  return (
    <section class="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p>History with metadata; the JSON also carries the entitlements as of {asOf}.</p>
      <div class="buttons">
        <button type="button" onClick={() => void run('csv')}>
          Download CSV
        </button>
        <button type="button" onClick={() => void run('json')}>
          Download JSON
        </button>
      </div>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
};

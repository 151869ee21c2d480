import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, query } from '../api.js';
import { instant } from '../format.js';
import type { StoredEvent, TimelineEntry } from '../types.js';

interface TimelineProps {
  assignmentId: string;
  knownAt: string | undefined;
  minPosition: number | undefined;
  reloads: number;
}

const focusEntry = (eventId: string) => {
  const target = document.getElementById(`entry-${eventId}`);
  target?.scrollIntoView({ block: 'center' });
  target?.querySelector('summary')?.focus();
};

const Mend = ({ label, eventId }: { label: string; eventId: string }) => (
  <button type="button" class="link-button" onClick={() => focusEntry(eventId)}>
    {label} {eventId.slice(0, 8)}
  </button>
);

/** Every event in stream order; each opens onto its data and metadata from GET .../events. */
export const Timeline = ({ assignmentId, knownAt, minPosition, reloads }: TimelineProps) => {
  const [entries, setEntries] = useState<TimelineEntry[] | undefined>();
  const [events, setEvents] = useState<Map<string, StoredEvent>>(new Map());
  const [error, setError] = useState<string | undefined>();
  const base = `/assignments/${encodeURIComponent(assignmentId)}`;

  useEffect(() => {
    let live = true;
    Promise.all([
      get<{ entries: TimelineEntry[] }>(`${base}/timeline${query({ knownAt, minPosition })}`),
      get<{ events: StoredEvent[] }>(`${base}/events${query({ knownAt })}`),
    ])
      .then(([timeline, stream]) => {
        if (!live) return;
        setEntries(timeline.entries);
        setEvents(new Map(stream.events.map((e) => [e.eventId, e])));
        setError(undefined);
      })
      .catch((e) => live && setError(e instanceof ApiError ? e.problem.detail : String(e)));
    return () => {
      live = false;
    };
  }, [base, knownAt, minPosition, reloads]);

  return (
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline{knownAt ? ` as known at ${instant(knownAt)}` : ''}</h2>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {entries && entries.length === 0 ? <p>The ledger knew nothing of this assignment then.</p> : null}
      <ol class="timeline">
        {entries?.map((entry) => {
          const event = events.get(entry.eventId);
          return (
            <li id={`entry-${entry.eventId}`} key={entry.eventId} class={entry.voided ? 'voided' : undefined}>
              <details>
                <summary>
                  <span class="date">{entry.businessDate ?? '-'}</span> <strong>{entry.type}</strong>:{' '}
                  {entry.summary}
                  {entry.voided ? ' (voided)' : entry.correctedBy ? ' (corrected)' : ''}
                  <span class="entry-meta">
                    recorded {instant(entry.recordedAt)} by {entry.actor ?? '-'}
                    {entry.source ? `, source ${entry.source}` : ''}
                  </span>
                </summary>
                <dl class="meta">
                  <dt>Position, revision</dt>
                  <dd>
                    {entry.position}, {entry.revision}
                  </dd>
                  <dt>Event id</dt>
                  <dd class="mono">{entry.eventId}</dd>
                </dl>
                {event ? (
                  <>
                    <h3 class="small">Data</h3>
                    <pre class="json">{JSON.stringify(event.data, null, 2)}</pre>
                    <h3 class="small">Metadata</h3>
                    <pre class="json">{JSON.stringify(event.metadata, null, 2)}</pre>
                  </>
                ) : null}
              </details>
              <div class="links">
                {entry.corrects ? <Mend label="mends" eventId={entry.corrects} /> : null}
                {entry.correctedBy ? <Mend label="corrected by" eventId={entry.correctedBy} /> : null}
                {entry.voidedBy ? <Mend label="voided by" eventId={entry.voidedBy} /> : null}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
};

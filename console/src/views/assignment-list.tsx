import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, offeredPaths, query, type Session } from '../api.js';
import { todayIso } from '../format.js';
import type { AssignmentPage, AssignmentSummary, Deadline } from '../types.js';

const PAGE_SIZE = 50;

interface Deadlines {
  asOf: string;
  within: number;
  items: Deadline[];
  nextAfter?: string | null;
}

const nextDeadlineOf = (row: AssignmentSummary, deadlines: Map<string, Deadline> | undefined): string => {
  const due = deadlines?.get(row.assignmentId);
  if (due) return `${due.dueOn} ${due.kind}`;
  if (row.status === 'active' && row.expectedEndDate) return `${row.expectedEndDate} assignment-ends`;
  return '-';
};

/** Pages of `GET /deadlines` this view reads at most (of 500 items each). */
const MOST_PAGES = 40;

/**
 * `GET /deadlines`, when this server offers it (a later issue adds it): the panel stays hidden otherwise.
 * `pages` bounds how far it pages on (`nextAfter`): the panel needs one page, the next-deadline column all.
 */
const useDeadlines = (within: number, limit: number, pages: number): Deadlines | undefined => {
  const [answer, setAnswer] = useState<Deadlines | undefined>();
  useEffect(() => {
    let live = true;
    void offeredPaths().then(async (paths) => {
      if (!paths.has('/deadlines')) return;
      try {
        const items: Deadline[] = [];
        let found: Deadlines | undefined;
        let after: string | undefined;
        for (let page = 0; page < pages && live; page++) {
          found = await get<Deadlines | undefined>(
            `/deadlines${query({ asOf: todayIso(), within, limit, after })}`,
            { allow404: true },
          );
          if (!found) return;
          items.push(...found.items);
          if (!found.nextAfter) break;
          after = found.nextAfter;
        }
        if (live && found) setAnswer({ ...found, items });
      } catch {
        // A deadlines route that refuses leaves the panel hidden; the list does not depend on it.
      }
    });
    return () => {
      live = false;
    };
  }, [within, limit, pages]);
  return answer;
};

export const DeadlinesPanel = ({ deadlines }: { deadlines: Deadlines }) => (
  <section aria-labelledby="deadlines-title" class="panel">
    <h2 id="deadlines-title">
      Due within {deadlines.within} days of {deadlines.asOf}
    </h2>
    {deadlines.items.length === 0 ? (
      <p>Nothing falls due.</p>
    ) : (
      <ul class="deadlines">
        {deadlines.items.slice(0, 20).map((d) => (
          <li key={`${d.assignmentId}-${d.kind}-${d.dueOn}`}>
            <span class="date">{d.dueOn}</span>{' '}
            <a href={`#/assignments/${encodeURIComponent(d.assignmentId)}`}>{d.assignmentId}</a> {d.kind}
          </li>
        ))}
      </ul>
    )}
  </section>
);

export const AssignmentList = ({ session }: { session: Session }) => {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  // Keyset paging: the cursors of the pages before this one, so "previous" goes back exactly.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<AssignmentPage | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const deadlines = useDeadlines(30, 20, 1);
  const yearDeadlines = useDeadlines(366, 500, MOST_PAGES);
  const nextByAssignment = yearDeadlines
    ? new Map([...yearDeadlines.items].reverse().map((d) => [d.assignmentId, d] as const))
    : undefined;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const onText = (value: string) => {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setSearch(value.trim());
      setCursors([undefined]);
    }, 250);
  };

  const after = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    setLoading(true);
    get<AssignmentPage>(`/assignments${query({ q: search, status, after, limit: PAGE_SIZE })}`)
      .then((answer) => {
        if (!live) return;
        setPage(answer);
        setError(undefined);
      })
      .catch((e) => live && setError(e instanceof ApiError ? e.problem.detail : String(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [search, status, after]);

  const first = (cursors.length - 1) * PAGE_SIZE;
  return (
    <>
      <h1>Assignments</h1>
      {session.role === 'auditor' ? <p class="note">Read-only: an auditor key records nothing.</p> : null}
      {deadlines ? <DeadlinesPanel deadlines={deadlines} /> : null}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="search">Search</label>
          <input
            id="search"
            type="search"
            value={text}
            aria-describedby="search-hint"
            onInput={(e) => onText((e.target as HTMLInputElement).value)}
          />
          <small id="search-hint" class="hint">
            Employee, id, position or host city
          </small>
        </div>
        <div class="field">
          <label for="status">Status</label>
          <select
            id="status"
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value);
              setCursors([undefined]);
            }}
          >
            <option value="">any</option>
            <option value="active">active</option>
            <option value="ended">ended</option>
          </select>
        </div>
      </form>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="count" role="status" aria-live="polite" data-testid="list-count">
        {page
          ? page.total === 0
            ? 'No assignment matches.'
            : `${first + 1}–${first + page.items.length} of ${page.total.toLocaleString('en-US')}`
          : 'Loading…'}
        {loading && page ? ' (updating)' : ''}
      </p>
      {page && page.items.length > 0 ? (
        <table class="list" aria-describedby="list-caption">
          <caption id="list-caption" class="visually-hidden">
            Assignments, in id order
          </caption>
          <thead>
            <tr>
              <th scope="col">Employee</th>
              <th scope="col">Position</th>
              <th scope="col">Host city</th>
              <th scope="col">Status</th>
              <th scope="col">Start</th>
              <th scope="col">Expected end</th>
              <th scope="col">Next deadline</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => (
              <tr key={row.assignmentId}>
                <td data-label="Employee">
                  <a href={`#/assignments/${encodeURIComponent(row.assignmentId)}`}>
                    {row.employee?.name ?? row.assignmentId}
                  </a>
                  <span class="sub"> {row.assignmentId}</span>
                </td>
                <td data-label="Position">{row.position}</td>
                <td data-label="Host city">
                  {row.hostCity}
                  {row.hostCountry ? `, ${row.hostCountry}` : ''}
                </td>
                <td data-label="Status">{row.status}</td>
                <td data-label="Start">{row.effectiveDate}</td>
                <td data-label="Expected end">
                  {row.endedOn ? `ended ${row.endedOn}` : row.expectedEndDate}
                </td>
                <td data-label="Next deadline">{nextDeadlineOf(row, nextByAssignment)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={!page?.nextAfter}
          onClick={() => page?.nextAfter && setCursors([...cursors, page.nextAfter])}
        >
          Next page
        </button>
      </nav>
    </>
  );
};

import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, offeredPaths, query, type Session, type WriteAnswer } from '../api.js';
import {
  APPROVAL_FORM,
  END_FORM,
  EXCEPTION_DECISION_FORM,
  EXCEPTION_REQUEST_FORM,
  EXPENSE_FORM,
  EXTENSION_FORM,
  REJECTION_FORM,
  REPATRIATION_FORM,
  SHIPMENT_FORM,
  TRIP_FORM,
  WriteForm,
  type FormSpec,
} from '../forms.js';
import { localToInstant, money, percent, pounds, ratio, todayIso } from '../format.js';
import type { AssignmentSummary, Entitlements, HomeLeaveYear } from '../types.js';
import { Timeline } from './timeline.js';
import { ExportButtons } from './export.js';

/** A bar of segments; widths set through the CSSOM (allowed by the CSP), the numbers also in text. */
const Bar = ({
  segments,
  total,
  label,
}: {
  segments: { name: string; value: number; kind: string }[];
  total: number;
  label: string;
}) => (
  <div class="bar" role="img" aria-label={label}>
    {segments
      .filter((s) => s.value > 0)
      .map((s) => (
        <span
          key={s.name}
          class={`seg seg-${s.kind}`}
          style={{ width: percent(total > 0 ? s.value / total : 0) }}
        />
      ))}
  </div>
);

const HomeLeaveYearRow = ({ year }: { year: HomeLeaveYear }) => {
  const other = year.otherDestinationUsed;
  const employeeHome = Math.max(0, year.takenByEmployee - other);
  const total = Math.max(year.allowed, year.taken + year.remaining + year.forfeited);
  const label =
    `${year.year}: ${year.takenByEmployee} by the employee (${other} elsewhere), ${year.takenBySpouse} by the spouse, ` +
    `${year.remaining} remaining, ${year.forfeited} forfeited, of ${year.allowed}`;
  return (
    <li class="year" data-testid={`home-leave-${year.year}`}>
      <div class="year-head">
        <strong>{year.year}</strong>
        <span>
          employee {year.takenByEmployee} · spouse {year.takenBySpouse} · other {other} · remaining{' '}
          <span data-testid={`remaining-${year.year}`}>{year.remaining}</span> · forfeited{' '}
          <span data-testid={`forfeited-${year.year}`}>{year.forfeited}</span> of {year.allowed}
          {year.closed ? ' (closed)' : ''}
        </span>
      </div>
      <Bar
        label={label}
        total={total}
        segments={[
          { name: 'employee', value: employeeHome, kind: 'employee' },
          { name: 'other', value: other, kind: 'other' },
          { name: 'spouse', value: year.takenBySpouse, kind: 'spouse' },
          { name: 'remaining', value: year.remaining, kind: 'remaining' },
          { name: 'forfeited', value: year.forfeited, kind: 'forfeited' },
        ]}
      />
    </li>
  );
};

const Gauge = ({
  label,
  used,
  of,
  unit,
}: {
  label: string;
  used: string;
  of: string;
  unit: (v: string) => string;
}) => (
  <div class="gauge">
    <div class="gauge-head">
      <span>{label}</span>
      <span>
        {unit(used)} of {unit(of)}
      </span>
    </div>
    <Bar
      label={`${label}: ${unit(used)} of ${unit(of)}`}
      total={1}
      segments={[{ name: 'used', value: ratio(used, of), kind: 'used' }]}
    />
  </div>
);

const Legend = () => (
  <ul class="legend" aria-label="Legend">
    <li>
      <span class="swatch seg-employee" /> employee
    </li>
    <li>
      <span class="swatch seg-other" /> other destination
    </li>
    <li>
      <span class="swatch seg-spouse" /> spouse
    </li>
    <li>
      <span class="swatch seg-remaining" /> remaining
    </li>
    <li>
      <span class="swatch seg-forfeited" /> forfeited
    </li>
  </ul>
);

/** Fields later issues add to the entitlements (limits in force, exceptions): shown as they come. */
/** The names a later issue may give them; whichever the answer carries is shown. */
const LATER_FIELDS = ['limits', 'limitsInForce', 'exceptions'] as const;
const laterFields = (e: Entitlements) =>
  LATER_FIELDS.flatMap((name) => {
    const value = (e as unknown as Record<string, unknown>)[name];
    return value === undefined || value === null ? [] : [{ name, value }];
  });
const Extra = ({ value }: { value: unknown }) => <pre class="json">{JSON.stringify(value, null, 2)}</pre>;

const EntitlementsView = ({ e }: { e: Entitlements }) => (
  <div class="grid">
    <section class="panel" aria-labelledby="hl-title">
      <h2 id="hl-title">Home leave (clause 10)</h2>
      <Legend />
      {e.homeLeave.years.length === 0 ? <p>No year of the assignment yet.</p> : null}
      <ul class="years">
        {e.homeLeave.years.map((year) => (
          <HomeLeaveYearRow year={year} key={year.year} />
        ))}
      </ul>
    </section>
    <section class="panel" aria-labelledby="ship-title">
      <h2 id="ship-title">Shipments (clause 4)</h2>
      <Gauge
        label="Outbound air"
        used={e.shipments.outboundAir.usedLb}
        of={e.shipments.outboundAir.limitLb}
        unit={pounds}
      />
      <Gauge
        label="Outbound containers"
        used={String(e.shipments.outboundSea.containersUsed)}
        of={String(e.shipments.outboundSea.containerLimit)}
        unit={(v) => `${v} container${v === '1' ? '' : 's'}`}
      />
      <p>
        Sea weight {pounds(e.shipments.outboundSea.weightLb)}; outbound total{' '}
        {pounds(e.shipments.outboundTotalLb)}
      </p>
      <Gauge
        label="Return, of cap"
        used={e.shipments.return.usedLb}
        of={e.shipments.return.capLb}
        unit={pounds}
      />
      <p>Return remaining {pounds(e.shipments.return.remainingLb)}</p>
    </section>
    <section class="panel" aria-labelledby="allow-title">
      <h2 id="allow-title">Allowances and funds</h2>
      <dl>
        <dt>Miscellaneous allowance (clause 9)</dt>
        <dd>
          {money(e.allowances.miscellaneous.amount)}:{' '}
          {e.allowances.miscellaneous.paid ? `paid ${e.allowances.miscellaneous.paidOn ?? ''}` : 'not paid'}
        </dd>
        {e.funds ? (
          <>
            <dt>Return airfreight fund</dt>
            <dd>
              deposited {money(e.funds.returnAirfreight.deposited)}, drawn{' '}
              {money(e.funds.returnAirfreight.drawn)}, balance {money(e.funds.returnAirfreight.balance)}
            </dd>
          </>
        ) : null}
        <dt>Tax home</dt>
        <dd data-testid="tax-home">
          {e.taxHomeStatus}
          {e.taxHomeIndefiniteFrom ? ` since ${e.taxHomeIndefiniteFrom}` : ''}
        </dd>
        <dt>Repatriation</dt>
        <dd>
          {e.repatriation.owed ? 'owed' : 'not yet owed'},{' '}
          {e.repatriation.travelled
            ? `travelled ${e.repatriation.travelledOn ?? ''} (${e.repatriation.travellers.join(', ')})`
            : 'not travelled'}
        </dd>
      </dl>
    </section>
    <section class="panel wide" aria-labelledby="exp-title">
      <h2 id="exp-title">Expenses by category</h2>
      {e.expenses.byCategory.length === 0 ? (
        <p>No expense claimed.</p>
      ) : (
        <table class="list compact">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Claimed</th>
              <th scope="col">Approved</th>
              <th scope="col">Rejected</th>
              <th scope="col">Reimbursable</th>
            </tr>
          </thead>
          <tbody>
            {e.expenses.byCategory.map((c) => (
              <tr key={c.category}>
                <td data-label="Category">{c.category}</td>
                <td data-label="Claimed">{money(c.claimed)}</td>
                <td data-label="Approved">{money(c.approved)}</td>
                <td data-label="Rejected">{money(c.rejected)}</td>
                <td data-label="Reimbursable">{money(c.reimbursable)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>Total reimbursable {money(e.expenses.totalReimbursable)}</p>
    </section>
    {laterFields(e).length > 0 ? (
      <section class="panel wide" aria-labelledby="limits-title">
        <h2 id="limits-title">Exceptions and limits in force</h2>
        {laterFields(e).map(({ name, value }) => (
          <Extra key={name} value={value} />
        ))}
      </section>
    ) : null}
  </div>
);

const HR_FORMS: FormSpec[] = [
  TRIP_FORM,
  SHIPMENT_FORM,
  EXPENSE_FORM,
  APPROVAL_FORM,
  REJECTION_FORM,
  EXTENSION_FORM,
  END_FORM,
  REPATRIATION_FORM,
];

export const AssignmentPage = ({ id, session }: { id: string; session: Session }) => {
  const [asOf, setAsOf] = useState(todayIso());
  const [knownAtLocal, setKnownAtLocal] = useState('');
  const [summary, setSummary] = useState<AssignmentSummary | undefined>();
  const [entitlements, setEntitlements] = useState<Entitlements | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [minPosition, setMinPosition] = useState<number | undefined>();
  const [reloads, setReloads] = useState(0);
  const [form, setForm] = useState<string>(TRIP_FORM.id);
  const [exceptionsOffered, setExceptionsOffered] = useState(false);
  const knownAt = localToInstant(knownAtLocal);
  const base = `/assignments/${encodeURIComponent(id)}`;

  useEffect(() => {
    void offeredPaths().then((paths) =>
      setExceptionsOffered(paths.has('/assignments/{assignmentId}/exceptions')),
    );
  }, []);

  useEffect(() => {
    let live = true;
    Promise.all([
      get<AssignmentSummary>(`${base}${query({ minPosition })}`),
      get<Entitlements>(`${base}/entitlements${query({ asOf, knownAt, minPosition })}`),
    ])
      .then(([s, e]) => {
        if (!live) return;
        setSummary(s);
        setEntitlements(e);
        setError(undefined);
      })
      .catch((e) => live && setError(e instanceof ApiError ? e.problem.detail : String(e)));
    return () => {
      live = false;
    };
  }, [base, asOf, knownAt, minPosition, reloads]);

  const onWritten = useCallback((answer: WriteAnswer) => setMinPosition(answer.position), []);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  if (error && !summary) {
    return (
      <>
        <h1>Assignment {id}</h1>
        <p class="form-error" role="alert">
          {error}
        </p>
        <p>
          <a href="#/">Back to the list</a>
        </p>
      </>
    );
  }
  if (!summary || !entitlements) return <p class="loading">Loading…</p>;
  const forms = exceptionsOffered ? [...HR_FORMS, EXCEPTION_REQUEST_FORM, EXCEPTION_DECISION_FORM] : HR_FORMS;
  const current = forms.find((f) => f.id === form) ?? forms[0]!;

  return (
    <>
      <p>
        <a href="#/">All assignments</a>
      </p>
      <h1>
        {entitlements.employee.name} <span class="sub">{id}</span>
      </h1>
      <p class="facts">
        {entitlements.position}, {entitlements.hostCity} ({entitlements.homeCountry} to{' '}
        {entitlements.hostCountry}) · <span data-testid="status">{entitlements.status}</span> · from{' '}
        {entitlements.dates.effectiveDate} to{' '}
        {entitlements.dates.endedOn
          ? `${entitlements.dates.endedOn} (ended)`
          : entitlements.dates.expectedEndDate}{' '}
        · revision <span data-testid="revision">{summary.revision}</span>
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Point of view">
        <div class="field">
          <label for="as-of">Entitlements as of</label>
          <input
            id="as-of"
            type="date"
            value={asOf}
            required
            onChange={(e) => {
              const value = (e.target as HTMLInputElement).value;
              if (value) setAsOf(value);
            }}
          />
        </div>
        <div class="field">
          <label for="known-at">As known at (your local time; empty: now)</label>
          <input
            id="known-at"
            type="datetime-local"
            step="1"
            value={knownAtLocal}
            onChange={(e) => setKnownAtLocal((e.target as HTMLInputElement).value)}
          />
        </div>
        {knownAtLocal ? (
          <button type="button" onClick={() => setKnownAtLocal('')}>
            Back to now
          </button>
        ) : null}
      </form>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <EntitlementsView e={entitlements} />
      {session.role === 'hr' || session.role === 'admin' ? (
        <section class="panel writes" aria-labelledby="writes-title">
          <h2 id="writes-title">Record</h2>
          <div class="field">
            <label for="write-kind">What to record</label>
            <select
              id="write-kind"
              value={current.id}
              onChange={(e) => setForm((e.target as HTMLSelectElement).value)}
            >
              {forms.map((f) => (
                <option value={f.id} key={f.id}>
                  {f.title}
                </option>
              ))}
            </select>
          </div>
          <WriteForm
            key={current.id}
            spec={current}
            assignmentId={id}
            revision={summary.revision}
            onWritten={onWritten}
            onStale={reload}
          />
        </section>
      ) : null}
      <ExportButtons assignmentId={id} asOf={asOf} knownAt={knownAt} />
      <Timeline assignmentId={id} knownAt={knownAt} minPosition={minPosition} reloads={reloads} />
    </>
  );
};

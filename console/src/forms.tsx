import { useEffect, useState } from 'preact/hooks';
import { acceptedValues, ApiError, newIdempotencyKey, write, type Problem, type WriteAnswer } from './api.js';
import { todayIso } from './format.js';

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'decimal' | 'number' | 'select' | 'list';
  options?: readonly string[];
  /** Options read from the server's OpenAPI document: this write route's body field of the same name. */
  optionsOf?: string;
  required?: boolean;
  initial?: string;
  hint?: string;
}

export type Values = Record<string, string>;

export interface FormSpec {
  id: string;
  title: string;
  /** The submit button's words. */
  submit: string;
  /** Path under /assignments/{id}, or a function of the values (approval of one expense...). */
  path: string | ((values: Values) => string);
  fields: Field[];
  body: (values: Values) => Record<string, unknown>;
  /** Which field a policy refusal (its code) concerns; the form's first field otherwise. */
  codeFields?: Record<string, string>;
  /** API body path prefixes (validation errors) to form fields, where their names differ. */
  bodyFields?: Record<string, string>;
}

const opt = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
const money = (amount: string | undefined, currency: string | undefined) =>
  opt(amount) ? { amount: amount!.trim(), currency: (opt(currency) ?? 'USD').toUpperCase() } : undefined;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
const compact = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));

const today = todayIso();

export const TRIP_FORM: FormSpec = {
  id: 'trip',
  submit: 'Record the trip',
  title: 'Home-leave trip',
  path: 'home-leave-trips',
  fields: [
    { name: 'traveller', label: 'Traveller', type: 'select', options: ['employee', 'spouse'] },
    { name: 'destination', label: 'Destination', type: 'select', options: ['home', 'host', 'other'] },
    { name: 'departedOn', label: 'Departed on', type: 'date', required: true, initial: today },
    { name: 'returnedOn', label: 'Returned on (optional)', type: 'date' },
    { name: 'fare', label: 'Fare', type: 'decimal', required: true },
    { name: 'currency', label: 'Fare currency', initial: 'USD', hint: 'ISO 4217, e.g. USD' },
    { name: 'homeFare', label: 'Home-trip fare (for other)', type: 'decimal', hint: 'same currency' },
  ],
  body: (v) =>
    compact({
      traveller: v.traveller,
      destination: v.destination,
      departedOn: v.departedOn,
      returnedOn: opt(v.returnedOn),
      fare: money(v.fare, v.currency),
      homeFare: money(v.homeFare, v.currency),
    }),
  codeFields: {
    'HOME_LEAVE.NO_TRIPS_LEFT': 'departedOn',
    'HOME_LEAVE.OTHER_DESTINATION_USED': 'destination',
    'HOME_LEAVE.WRONG_DESTINATION_FOR_TRAVELLER': 'destination',
    'HOME_LEAVE.HOME_FARE_REQUIRED': 'homeFare',
    'HOME_LEAVE.FARE_ABOVE_HOME_FARE': 'fare',
    'MONEY.CURRENCY_MISMATCH': 'currency',
  },
  bodyFields: { 'fare.currency': 'currency', 'homeFare.currency': 'currency' },
};

export const SHIPMENT_FORM: FormSpec = {
  id: 'shipment',
  submit: 'Record the shipment',
  title: 'Shipment',
  path: 'shipments',
  fields: [
    { name: 'direction', label: 'Direction', type: 'select', options: ['outbound', 'return'] },
    { name: 'mode', label: 'Mode', type: 'select', options: ['air', 'sea'] },
    { name: 'shippedOn', label: 'Shipped on', type: 'date', required: true, initial: today },
    { name: 'weight', label: 'Net weight', type: 'decimal', required: true },
    { name: 'unit', label: 'Weight unit', type: 'select', options: ['lb', 'kg'] },
    { name: 'containers', label: 'Containers (sea)', type: 'number' },
    { name: 'containerSize', label: 'Container size (sea)', type: 'select', options: ['', '20ft', '40ft'] },
    { name: 'exceptionApprovedBy', label: 'Exception approved by (optional)' },
  ],
  body: (v) =>
    compact({
      direction: v.direction,
      mode: v.mode,
      shippedOn: v.shippedOn,
      weight: { value: (v.weight ?? '').trim(), unit: v.unit },
      containers: opt(v.containers) ? Number(v.containers) : undefined,
      containerSize: opt(v.containerSize),
      exceptionApprovedBy: opt(v.exceptionApprovedBy),
    }),
  codeFields: {
    'SHIPMENT.OUTBOUND_AIR_LIMIT_EXCEEDED': 'weight',
    'SHIPMENT.RETURN_CAP_EXCEEDED': 'weight',
    'SHIPMENT.CONTAINER_LIMIT_EXCEEDED': 'containers',
  },
  bodyFields: { 'weight.unit': 'unit' },
};

export const EXPENSE_FORM: FormSpec = {
  id: 'expense',
  submit: 'Claim the expense',
  title: 'Expense claim',
  path: 'expenses',
  fields: [
    {
      name: 'expenseId',
      label: 'Expense id (optional)',
      hint: 'e.g. the invoice number; to approve or reject it later',
    },
    {
      name: 'category',
      label: 'Category',
      type: 'select',
      options: [],
      optionsOf: '/assignments/{assignmentId}/expenses',
    },
    { name: 'amount', label: 'Amount', type: 'decimal', required: true },
    { name: 'currency', label: 'Currency', initial: 'USD', hint: 'ISO 4217, e.g. CNY' },
    { name: 'rate', label: 'Exchange rate (units per 1 USD)', type: 'decimal', hint: 'needed unless USD' },
    { name: 'rateSource', label: 'Rate source' },
    { name: 'rateAsOf', label: 'Rate date', type: 'date' },
    { name: 'incurredOn', label: 'Incurred on', type: 'date', required: true, initial: today },
    { name: 'receipts', label: 'Receipts', type: 'list', hint: 'references, comma separated' },
    { name: 'description', label: 'Description', required: true },
  ],
  body: (v) =>
    compact({
      expenseId: opt(v.expenseId),
      category: v.category,
      amount: money(v.amount, v.currency),
      exchangeRate: opt(v.rate)
        ? { rate: v.rate!.trim(), source: opt(v.rateSource) ?? '', asOf: opt(v.rateAsOf) ?? v.incurredOn }
        : undefined,
      incurredOn: v.incurredOn,
      receipts: list(v.receipts),
      description: v.description,
    }),
  codeFields: {
    'EXPENSE.EXCHANGE_RATE_REQUIRED': 'rate',
    'EXPENSE.ECONOMY_FARE_REQUIRED': 'amount',
    'EXPENSE.RECEIPT_REQUIRED': 'receipts',
    'HOME_LEAVE.NOT_REIMBURSABLE': 'category',
    'ASSIGNMENT.ENDED': 'incurredOn',
    'EXPENSE.DUPLICATE_ID': 'expenseId',
  },
  bodyFields: {
    'amount.currency': 'currency',
    'amount.amount': 'amount',
    'exchangeRate.rate': 'rate',
    'exchangeRate.source': 'rateSource',
    'exchangeRate.asOf': 'rateAsOf',
  },
};

export const APPROVAL_FORM: FormSpec = {
  id: 'approval',
  submit: 'Approve the expense',
  title: 'Approve an expense',
  path: (v) => `expenses/${encodeURIComponent(v.expenseId ?? '')}/approval`,
  fields: [
    { name: 'expenseId', label: 'Expense id', required: true },
    { name: 'approvedBy', label: 'Approved by', required: true },
    { name: 'approvedOn', label: 'Approved on', type: 'date', required: true, initial: today },
  ],
  body: (v) => ({ approvedBy: v.approvedBy, approvedOn: v.approvedOn }),
  codeFields: {
    'EXPENSE.UNKNOWN': 'expenseId',
    'EXPENSE.ALREADY_DECIDED': 'expenseId',
    'EXPENSE.RECEIPT_REQUIRED': 'expenseId',
  },
};

export const REJECTION_FORM: FormSpec = {
  id: 'rejection',
  submit: 'Reject the expense',
  title: 'Reject an expense',
  path: (v) => `expenses/${encodeURIComponent(v.expenseId ?? '')}/rejection`,
  fields: [
    { name: 'expenseId', label: 'Expense id', required: true },
    { name: 'rejectedBy', label: 'Rejected by', required: true },
    { name: 'reason', label: 'Reason', required: true },
  ],
  body: (v) => ({ rejectedBy: v.rejectedBy, reason: v.reason }),
  codeFields: { 'EXPENSE.UNKNOWN': 'expenseId', 'EXPENSE.ALREADY_DECIDED': 'expenseId' },
};

export const EXTENSION_FORM: FormSpec = {
  id: 'extension',
  submit: 'Record the extension',
  title: 'Extension',
  path: 'extensions',
  fields: [
    { name: 'decidedOn', label: 'Decided on', type: 'date', required: true, initial: today },
    { name: 'newExpectedEndDate', label: 'New expected end date', type: 'date', required: true },
    { name: 'reason', label: 'Reason (optional)' },
  ],
  body: (v) =>
    compact({ decidedOn: v.decidedOn, newExpectedEndDate: v.newExpectedEndDate, reason: opt(v.reason) }),
  codeFields: { 'EXTENSION.END_NOT_LATER': 'newExpectedEndDate' },
};

export const END_FORM: FormSpec = {
  id: 'end',
  submit: 'End the assignment',
  title: 'End of assignment',
  path: 'end',
  fields: [
    {
      name: 'reason',
      label: 'Reason',
      type: 'select',
      options: ['completed', 'employment-terminated', 'other'],
    },
    { name: 'endedOn', label: 'Ended on', type: 'date', required: true, initial: today },
  ],
  body: (v) => ({ reason: v.reason, endedOn: v.endedOn }),
  codeFields: { 'ASSIGNMENT.END_BEFORE_START': 'endedOn' },
};

export const REPATRIATION_FORM: FormSpec = {
  id: 'repatriation',
  submit: 'Record the repatriation',
  title: 'Repatriation travel',
  path: 'repatriation',
  fields: [
    { name: 'travelledOn', label: 'Travelled on', type: 'date', required: true, initial: today },
    { name: 'travellers', label: 'Travellers', type: 'list', required: true, hint: 'names, comma separated' },
    { name: 'fare', label: 'Fare', type: 'decimal', required: true },
    { name: 'currency', label: 'Fare currency', initial: 'USD' },
  ],
  body: (v) => ({
    travelledOn: v.travelledOn,
    travellers: list(v.travellers),
    fare: money(v.fare, v.currency),
  }),
  codeFields: {
    'REPATRIATION.UNKNOWN_TRAVELLER': 'travellers',
    'REPATRIATION.ALREADY_TRAVELLED': 'travelledOn',
  },
  bodyFields: { 'fare.currency': 'currency' },
};

const TERMS = [
  'outbound-air-weight',
  'outbound-containers',
  'home-leave-trips',
  'other-destination-fare',
  'housing-rent',
];

export const EXCEPTION_REQUEST_FORM: FormSpec = {
  id: 'exception-request',
  submit: 'Request the exception',
  title: 'Exception request',
  path: 'exceptions',
  fields: [
    { name: 'term', label: 'Term', type: 'select', options: TERMS },
    {
      name: 'requestedLimit',
      label: 'Requested limit',
      type: 'decimal',
      required: true,
      hint: "in the term's unit",
    },
    { name: 'year', label: 'Year (home-leave trips)', type: 'number' },
    { name: 'reason', label: 'Reason', required: true },
    { name: 'requestedBy', label: 'Requested by', required: true },
    { name: 'requestedOn', label: 'Requested on', type: 'date', required: true, initial: today },
  ],
  body: (v) =>
    compact({
      term: v.term,
      requestedLimit: v.requestedLimit,
      year: opt(v.year) ? Number(v.year) : undefined,
      reason: v.reason,
      requestedBy: v.requestedBy,
      requestedOn: v.requestedOn,
    }),
};

export const EXCEPTION_DECISION_FORM: FormSpec = {
  id: 'exception-decision',
  submit: 'Record the decision',
  title: 'Exception decision',
  path: (v) =>
    `exceptions/${encodeURIComponent(v.exceptionId ?? '')}/${v.decision === 'decline' ? 'decline' : 'approval'}`,
  fields: [
    { name: 'exceptionId', label: 'Exception id', required: true },
    { name: 'decision', label: 'Decision', type: 'select', options: ['approve', 'decline'] },
    { name: 'by', label: 'Decided by', required: true },
    { name: 'on', label: 'Decided on', type: 'date', required: true, initial: today },
    { name: 'grantedLimit', label: 'Granted limit (approval, optional)', type: 'decimal' },
    { name: 'reason', label: 'Reason (decline)' },
  ],
  body: (v) =>
    v.decision === 'decline'
      ? { declinedBy: v.by, declinedOn: v.on, reason: v.reason }
      : compact({ approvedBy: v.by, approvedOn: v.on, grantedLimit: opt(v.grantedLimit) }),
  codeFields: { 'EXCEPTION.SELF_APPROVAL': 'by' },
  bodyFields: { approvedBy: 'by', declinedBy: 'by', approvedOn: 'on', declinedOn: 'on' },
};

const initialValues = (spec: FormSpec): Values =>
  Object.fromEntries(
    spec.fields.map((f) => [f.name, f.initial ?? (f.type === 'select' ? (f.options?.[0] ?? '') : '')]),
  );

/** Where a problem belongs: field name -> message, and what is left for the form as a whole. */
const placeProblem = (
  spec: FormSpec,
  problem: Problem,
): { byField: Record<string, string>; general?: string } => {
  const names = new Set(spec.fields.map((f) => f.name));
  const fieldOf = (apiField: string): string | undefined => {
    const mapped = spec.bodyFields?.[apiField] ?? apiField.split('.')[0]!;
    return names.has(mapped) ? mapped : spec.bodyFields?.[apiField.split('.')[0]!];
  };
  const clause = problem.clause ? ` (clause ${problem.clause})` : '';
  if (problem.errors?.length) {
    const byField: Record<string, string> = {};
    const rest: string[] = [];
    for (const error of problem.errors) {
      const field = fieldOf(error.field);
      const text = error.messages.join('; ');
      if (field) byField[field] = byField[field] ? `${byField[field]}; ${text}` : text;
      else rest.push(`${error.field}: ${text}`);
    }
    return rest.length ? { byField, general: rest.join('; ') } : { byField };
  }
  if (problem.status === 422 || problem.status === 409) {
    const field = (problem.code && spec.codeFields?.[problem.code]) ?? spec.fields[0]!.name;
    if (problem.code === 'CONCURRENCY.STALE_REVISION') return { byField: {} };
    return { byField: { [field]: `${problem.detail}${clause}` } };
  }
  return { byField: {}, general: `${problem.detail}${clause}` };
};

export interface WriteFormProps {
  spec: FormSpec;
  assignmentId: string;
  /** The stream revision on screen, sent as If-Match. */
  revision: number;
  onWritten: (answer: WriteAnswer) => void;
  onStale: () => void;
}

/** One daily write. Its Idempotency-Key lives until the values change or the write succeeds. */
export const WriteForm = ({ spec, assignmentId, revision, onWritten, onStale }: WriteFormProps) => {
  const [values, setValues] = useState<Values>(() => initialValues(spec));
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | undefined>();
  const [stale, setStale] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const [loaded, setLoaded] = useState<Record<string, string[]>>({});
  useEffect(() => {
    let live = true;
    for (const field of spec.fields) {
      if (!field.optionsOf) continue;
      void acceptedValues(field.optionsOf, field.name).then((values) => {
        if (!live) return;
        setLoaded((current) => ({ ...current, [field.name]: values }));
        setValues((current) =>
          current[field.name] ? current : { ...current, [field.name]: values[0] ?? '' },
        );
      });
    }
    return () => {
      live = false;
    };
  }, [spec]);

  const change = (name: string, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setIdempotencyKey(newIdempotencyKey());
    setDone(undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setGeneral(undefined);
    setStale(undefined);
    try {
      const sub = typeof spec.path === 'function' ? spec.path(values) : spec.path;
      const answer = await write(
        `/assignments/${encodeURIComponent(assignmentId)}/${sub}`,
        spec.body(values),
        idempotencyKey,
        revision,
      );
      setDone(`Recorded ${answer.events.map((e) => e.type).join(', ')} (revision ${answer.revision}).`);
      setIdempotencyKey(newIdempotencyKey());
      onWritten(answer);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        setGeneral(`The ledger could not be reached: ${(error as Error).message}`);
      } else if (error.problem.code === 'CONCURRENCY.STALE_REVISION') {
        setStale(error.problem.detail);
      } else {
        const placed = placeProblem(spec, error.problem);
        setErrors(placed.byField);
        setGeneral(placed.general);
      }
    } finally {
      setBusy(false);
    }
  };

  const fieldId = (name: string) => `${spec.id}-${name}`;
  return (
    <form class="write-form" onSubmit={submit} aria-labelledby={`${spec.id}-title`} noValidate>
      <h3 id={`${spec.id}-title`}>{spec.title}</h3>
      {spec.fields.map((field) => {
        const id = fieldId(field.name);
        const error = errors[field.name];
        const describedBy = [field.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
          .filter(Boolean)
          .join(' ');
        const common = {
          id,
          name: field.name,
          value: values[field.name] ?? '',
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': describedBy || undefined,
          required: field.required,
        };
        return (
          <div class="field" key={field.name}>
            <label for={id}>{field.label}</label>
            {field.type === 'select' && (loaded[field.name] ?? field.options ?? []).length > 0 ? (
              <select {...common} onChange={(e) => change(field.name, (e.target as HTMLSelectElement).value)}>
                {(loaded[field.name] ?? field.options ?? []).map((option) => (
                  <option value={option} key={option}>
                    {option === '' ? '(none)' : option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                type={
                  (field.type === 'date' ? 'date' : field.type === 'number' ? 'number' : 'text') as 'text'
                }
                inputMode={field.type === 'decimal' ? 'decimal' : undefined}
                onInput={(e) => change(field.name, (e.target as HTMLInputElement).value)}
              />
            )}
            {field.hint ? (
              <small id={`${id}-hint`} class="hint">
                {field.hint}
              </small>
            ) : null}
            {error ? (
              <p id={`${id}-error`} class="field-error" role="alert" data-field-error={field.name}>
                {error}
              </p>
            ) : null}
          </div>
        );
      })}
      {general ? (
        <p class="form-error" role="alert">
          {general}
        </p>
      ) : null}
      {stale ? (
        <div class="form-error" role="alert">
          <p>Someone changed this assignment since this page was loaded: {stale}</p>
          <button type="button" onClick={onStale}>
            Reload the assignment
          </button>
        </div>
      ) : null}
      {done ? (
        <p class="form-done" role="status">
          {done}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Recording…' : spec.submit}
      </button>
    </form>
  );
};

/**
 * A path to personal values inside an event's data: dot-separated property names, `[]` after a name
 * for every element of that array (`employee.name`, `accompanyingFamily[].name`, `travellers[]`).
 */
export type PersonalPath = string;

type Segment = { key: string; each: boolean };

const segmentsOf = (path: PersonalPath): Segment[] =>
  path
    .split('.')
    .map((part) =>
      part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false },
    );

const mapAt = (
  value: unknown,
  segments: Segment[],
  at: string,
  fn: (value: unknown, path: string) => unknown,
): unknown => {
  if (segments.length === 0) return fn(value, at);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...rest] = segments as [Segment, ...Segment[]];
  const record = value as Record<string, unknown>;
  if (!(head.key in record) || record[head.key] === undefined) return value;
  const here = at ? `${at}.${head.key}` : head.key;
  const child = record[head.key];
  const next = head.each
    ? Array.isArray(child)
      ? child.map((item, i) => mapAt(item, rest, `${here}[${i}]`, fn))
      : child
    : mapAt(child, rest, here, fn);
  return next === child ? value : { ...record, [head.key]: next };
};

/** A copy of `data` with every value at the paths replaced by `fn(value, concretePath)`; absent paths are left. */
export const mapPersonalValues = (
  data: unknown,
  paths: readonly PersonalPath[],
  fn: (value: unknown, path: string) => unknown,
): unknown => paths.reduce((acc, path) => mapAt(acc, segmentsOf(path), '', fn), data);

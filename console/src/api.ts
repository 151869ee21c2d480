/** The console's only way to the ledger: its public HTTP API, with the key kept in sessionStorage. */

const KEY_SLOT = 'ledger-console-key';

export type Role = 'hr' | 'auditor' | 'subscriber' | 'admin';

export interface Session {
  role: Role;
  actor: string;
  fingerprint: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  code?: string;
  clause?: string;
  errors?: { field: string; messages: string[] }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
}

export const storedKey = (): string | null => sessionStorage.getItem(KEY_SLOT);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_SLOT, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_SLOT);

const problemOf = async (response: Response): Promise<Problem> => {
  try {
    const body = (await response.json()) as Problem;
    return { ...body, status: response.status, detail: body.detail ?? response.statusText };
  } catch {
    return { status: response.status, detail: `${response.status} ${response.statusText}` };
  }
};

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer undefined on 404 instead of throwing (optional routes, unknown ids). */
  allow404?: boolean;
}

export const request = async <T>(path: string, options: RequestOptions = {}): Promise<T> => {
  const key = storedKey();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.status === 404 && options.allow404) return undefined as T;
  if (!response.ok) throw new ApiError(await problemOf(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
};

/** A file the API answers (an export), as a Blob to hand to the browser's download. */
export const fetchFile = async (path: string): Promise<Blob> => {
  const key = storedKey();
  const response = await fetch(path, {
    headers: key ? { Authorization: `Bearer ${key}` } : {},
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw new ApiError(await problemOf(response));
  return response.blob();
};

export const get = <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
  request<T>(path, options);

/** A fresh Idempotency-Key per submission: a second click on the same form sends the same one again. */
export const newIdempotencyKey = (): string => `console-${crypto.randomUUID()}`;

export interface WriteAnswer {
  assignmentId: string;
  revision: number;
  position: number;
  events: { eventId: string; type: string }[];
}

export const write = (
  path: string,
  body: unknown,
  idempotencyKey: string,
  revision: number | undefined,
): Promise<WriteAnswer> =>
  request<WriteAnswer>(path, {
    method: 'POST',
    body,
    headers: {
      'Idempotency-Key': idempotencyKey,
      ...(revision !== undefined ? { 'If-Match': String(revision) } : {}),
    },
  });

export const query = (params: Record<string, string | number | undefined | null>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

interface OpenApiSchema {
  $ref?: string;
  enum?: string[];
  properties?: Record<string, OpenApiSchema>;
  allOf?: OpenApiSchema[];
}

interface OpenApiDocument {
  paths?: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> } } }
  >;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** This server's OpenAPI document, read once; an empty one when it cannot be read. */
let openApi: Promise<OpenApiDocument> | undefined;
const openApiDocument = (): Promise<OpenApiDocument> => {
  openApi ??= get<OpenApiDocument | undefined>('/docs/openapi.json', { allow404: true })
    .then((doc) => doc ?? {})
    .catch(() => ({}));
  return openApi;
};

/** Paths of the API this server offers, so panels of routes not yet built stay hidden. */
export const offeredPaths = async (): Promise<Set<string>> =>
  new Set(Object.keys((await openApiDocument()).paths ?? {}));

/** The values a write route's body field accepts, as the server declares them (one list, the server's). */
export const acceptedValues = async (route: string, field: string): Promise<string[]> => {
  const doc = await openApiDocument();
  const resolve = (schema: OpenApiSchema | undefined): OpenApiSchema | undefined =>
    schema?.$ref ? doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] : schema;
  const body = resolve(doc.paths?.[route]?.post?.requestBody?.content?.['application/json']?.schema);
  const parts = [body, ...(body?.allOf ?? []).map(resolve)];
  for (const part of parts) {
    const values = resolve(part?.properties?.[field])?.enum;
    if (values?.length) return values;
  }
  return [];
};

/**
 * What every answer gets before any route runs: security headers (helmet, with a CSP that names no
 * origin but this one), a request budget per key, URL size limits; and after it, an audit line for
 * everything done with the admin key.
 */
import { Logger } from '@nestjs/common';
import rateLimit from '@fastify/rate-limit';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_SECURITY, type LedgerConfig } from '../config/ledger-config.js';
import { keyHashOf } from '../config/api-keys.js';
import type { Caller } from './auth/api-key.guard.js';
import { urlLimitError } from './input-limits.js';

/** Too many requests for one key (or one address without a key) in the window; answered 429. */
export class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests for this key; retry in ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** The API, the console (/console, a same-origin bundle) and Swagger UI: same-origin everything. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  upgradeInsecureRequests: null,
};

/**
 * The headers helmet sets, worked out once: helmet run per request (as @fastify/helmet does, building
 * it anew each time) cost the entitlements route about a third of its CPU. The headers of browsers
 * long gone (IE8's X-Download-Options, Flash's X-Permitted-Cross-Domain-Policies, X-XSS-Protection,
 * X-DNS-Prefetch-Control) are left out.
 */
const helmetHeaders = (inlineStyles: boolean): [string, string][] => {
  const headers: [string, string][] = [];
  const styleSrc = inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"];
  const response = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY, styleSrc } },
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xDnsPrefetchControl: false,
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
};

const bearerOf = (request: FastifyRequest): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

/** The last Authorization header each connection sent and its key's hash: a keep-alive client sends the same. */
const lastKeyOf = new WeakMap<object, { header: string; keyHash: string }>();

/** Hash of the request's bearer key, computed once for the rate limit and the guard. */
export const requestKeyHash = (request: FastifyRequest & { keyHash?: string }): string | undefined => {
  if (request.keyHash !== undefined) return request.keyHash;
  const header = request.headers.authorization;
  const last = lastKeyOf.get(request.raw.socket);
  if (last !== undefined && last.header === header) return (request.keyHash = last.keyHash);
  const key = bearerOf(request);
  if (key !== undefined && header !== undefined) {
    request.keyHash = keyHashOf(key);
    lastKeyOf.set(request.raw.socket, { header, keyHash: request.keyHash });
  }
  return request.keyHash;
};

const audit = new Logger('Audit');

export const registerSecurity = async (fastify: FastifyInstance, config: LedgerConfig): Promise<void> => {
  const security = config.security ?? DEFAULT_SECURITY;
  const api = helmetHeaders(false);
  // Swagger UI's page (from @nestjs/swagger) carries <style> blocks and style attributes; nothing else does.
  const docs = helmetHeaders(true);
  fastify.addHook('onRequest', (request, reply, done) => {
    // On the raw response, so a hijacked event stream has them too.
    const url = request.raw.url ?? '';
    for (const [name, value] of url.startsWith('/docs') ? docs : api) reply.raw.setHeader(name, value);
    done(urlLimitError(url));
  });
  if (security.rateLimitPerMinute > 0) {
    await fastify.register(rateLimit, {
      global: true,
      max: security.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => {
        const keyHash = requestKeyHash(request);
        return keyHash ? `key:${keyHash}` : `address:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
      // The budget's headers only on a refusal: every answer stays a few hundred bytes lighter.
      addHeadersOnExceeding: {
        'x-ratelimit-limit': false,
        'x-ratelimit-remaining': false,
        'x-ratelimit-reset': false,
      },
    });
  }
  // Who (a key's fingerprint, never the key or a name sent in X-Actor), which route, when, and the
  // outcome; no body, no path parameters.
  fastify.addHook('onResponse', (request, reply, done) => {
    const caller = (request as FastifyRequest & { caller?: Caller }).caller;
    if (caller?.role === 'admin') {
      audit.log(
        `admin key ${caller.keyHash.slice(0, 16)} ${request.method} ${request.routeOptions.url ?? '(no route)'} -> ${reply.statusCode} at ${new Date().toISOString()}`,
      );
    }
    done();
  });
};

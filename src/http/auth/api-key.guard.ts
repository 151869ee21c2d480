import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_SECURITY, type Role, type Scope } from '../../config/ledger-config.js';
import type { KeyRing } from '../../config/api-keys.js';
import { ApplicationError } from '../../application/application-errors.js';
import { requestKeyHash } from '../security.js';
import { AUTH_THROTTLE, AuthThrottle } from './auth-throttle.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export const API_KEYS = Symbol('API_KEYS');

export interface Caller {
  role: Role;
  /** Recorded as the event's actor: the role and the X-Actor header, or a fingerprint of the key. */
  actor: string;
  /** SHA-256 (hex) of the bearer key: names the key (actor fingerprint, webhook owner) without revealing it. */
  keyHash: string;
  /** The key's scopes beyond its role (e.g. a subscriber's `personal-data`). */
  scopes: readonly Scope[];
}

/**
 * Bearer keys mapped to roles; unknown or missing key 401, known key without the right 403. An address
 * with too many failed attempts lately is answered 429 whatever it sends.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly throttle: AuthThrottle;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: KeyRing,
    @Optional() @Inject(AUTH_THROTTLE) throttle?: AuthThrottle,
  ) {
    this.throttle =
      throttle ??
      new AuthThrottle(DEFAULT_SECURITY.authFailureLimit, DEFAULT_SECURITY.authFailureWindowSeconds * 1000);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { caller?: Caller }>();
    const wait = this.throttle.retryAfter(request.ip);
    if (wait > 0) {
      throw new ApplicationError(
        429,
        'AUTH.TOO_MANY_FAILURES',
        `too many failed authentications from this address; retry in ${wait} s`,
        { retryAfterSeconds: wait },
      );
    }
    // Looked up by the key's SHA-256, so no comparison ever touches the secret itself.
    const keyHash = requestKeyHash(request);
    if (keyHash === undefined) {
      this.throttle.fail(request.ip);
      throw new UnauthorizedException('an Authorization: Bearer <key> header is required');
    }
    const grant = this.keys.grantOf(keyHash);
    if (!grant) {
      this.throttle.fail(request.ip);
      throw new UnauthorizedException('the key is not known to this ledger');
    }
    const role = grant.role;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (role !== 'admin' && !allowed.includes(role)) {
      throw new ForbiddenException(
        `role ${role} may not do this (allowed: ${[...allowed, 'admin'].join(', ')})`,
      );
    }
    request.caller = callerFor(request, keyHash, grant);
    return true;
  }
}

/** The caller a known key names; the actor is the X-Actor header if one is sent, else the key's fingerprint. */
export const callerFor = (
  request: FastifyRequest,
  keyHash: string,
  grant: { role: Role; scopes: readonly Scope[] },
): Caller => {
  const named = request.headers['x-actor'];
  const who =
    typeof named === 'string' && named.trim() ? named.trim().slice(0, 200) : `key-${keyHash.slice(0, 8)}`;
  return { role: grant.role, actor: `${grant.role}:${who}`, keyHash, scopes: grant.scopes };
};

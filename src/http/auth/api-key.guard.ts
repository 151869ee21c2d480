import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Role, Scope } from '../../config/ledger-config.js';
import { keyHashOf, type KeyRing } from '../../config/api-keys.js';
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

/** Bearer keys mapped to roles; unknown or missing key 401, known key without the right 403. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: KeyRing,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { caller?: Caller }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('an Authorization: Bearer <key> header is required');
    // Looked up by the key's SHA-256, so no comparison ever touches the secret itself.
    const keyHash = keyHashOf(match[1]!);
    const grant = this.keys.grantOf(keyHash);
    if (!grant) throw new UnauthorizedException('the key is not known to this ledger');
    const role = grant.role;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (role !== 'admin' && !allowed.includes(role)) {
      throw new ForbiddenException(
        `role ${role} may not do this (allowed: ${[...allowed, 'admin'].join(', ')})`,
      );
    }
    const named = request.headers['x-actor'];
    const who =
      typeof named === 'string' && named.trim() ? named.trim().slice(0, 200) : `key-${keyHash.slice(0, 8)}`;
    request.caller = { role, actor: `${role}:${who}`, keyHash, scopes: grant.scopes };
    return true;
  }
}

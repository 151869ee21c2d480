import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Role } from '../../config/ledger-config.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export const API_KEYS = Symbol('API_KEYS');

export interface Caller {
  role: Role;
  /** Recorded as the event's actor: the role and the X-Actor header, or a fingerprint of the key. */
  actor: string;
  /** SHA-256 (hex) of the bearer key: names the key (actor fingerprint, webhook owner) without revealing it. */
  keyHash: string;
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Bearer keys mapped to roles; unknown or missing key 401, known key without the right 403. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: Map<string, Role>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: Caller }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('an Authorization: Bearer <key> header is required');
    const role = this.roleOf(match[1]!);
    if (!role) throw new UnauthorizedException('the key is not known to this ledger');
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (role !== 'admin' && !allowed.includes(role)) {
      throw new ForbiddenException(
        `role ${role} may not do this (allowed: ${[...allowed, 'admin'].join(', ')})`,
      );
    }
    const keyHash = createHash('sha256').update(match[1]!).digest('hex');
    const named = request.headers['x-actor'];
    const who =
      typeof named === 'string' && named.trim() ? named.trim().slice(0, 200) : `key-${keyHash.slice(0, 8)}`;
    request.caller = { role, actor: `${role}:${who}`, keyHash };
    return true;
  }

  private roleOf(key: string): Role | undefined {
    for (const [known, role] of this.keys) if (sameSecret(known, key)) return role;
    return undefined;
  }
}

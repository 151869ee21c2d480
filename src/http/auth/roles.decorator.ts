import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../config/ledger-config.js';

export const ROLES_KEY = 'ledger:roles';
export const PUBLIC_KEY = 'ledger:public';

/** The roles allowed on a route; `admin` is always allowed. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no key (health, API documents). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** What each kind of user may do (http-contract.md, "Who may do what"). */
export const WRITE: Role[] = ['hr'];
export const ASSIGNMENT_READ: Role[] = ['hr', 'auditor'];
export const LOG_READ: Role[] = ['hr', 'auditor', 'subscriber'];
export const WEBHOOKS: Role[] = ['subscriber'];

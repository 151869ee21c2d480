import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES } from '../../config/ledger-config.js';
import type { Caller } from '../auth/api-key.guard.js';
import { CallerOf } from '../auth/caller.decorator.js';
import { Roles } from '../auth/roles.decorator.js';

/** Who a key is: the console asks once, after its user enters a key, to show only what that role may do. */
@ApiTags('session')
@ApiBearerAuth()
@Roles(...ROLES)
@Controller('session')
export class SessionController {
  @Get()
  @ApiOperation({ summary: "The caller's role, the actor its writes record, and its key's fingerprint" })
  whoAmI(@CallerOf() caller: Caller) {
    return { role: caller.role, actor: caller.actor, fingerprint: caller.keyHash.slice(0, 16) };
  }
}

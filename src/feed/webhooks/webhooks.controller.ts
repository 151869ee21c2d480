import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../../http/auth/api-key.guard.js';
import { CallerOf } from '../../http/auth/caller.decorator.js';
import { Roles, WEBHOOKS } from '../../http/auth/roles.decorator.js';
import { CreateWebhookDto } from './create-webhook.dto.js';
import { WebhooksService, type WebhookCaller, type WebhookView } from './webhooks.service.js';

/**
 * Ownership follows the API key, not the actor: X-Actor is free text any holder of a subscriber key
 * may set, so it cannot guard another subscriber's webhooks.
 */
const callerOf = (caller: Caller): WebhookCaller => ({
  owner: `${caller.role}:key-${caller.keyHash.slice(0, 16)}`,
  actor: caller.actor,
  admin: caller.role === 'admin',
});

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles(...WEBHOOKS)
@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook: events POSTed in position order, at least once, signed with the secret',
  })
  create(@Body() body: CreateWebhookDto, @CallerOf() caller: Caller): Promise<WebhookView> {
    return this.webhooks.create(body, callerOf(caller));
  }

  @Get()
  @ApiOperation({ summary: "The caller's webhooks (every webhook for admin), with status and checkpoint" })
  list(@CallerOf() caller: Caller): WebhookView[] {
    return this.webhooks.list(callerOf(caller));
  }

  @Get(':id')
  get(@Param('id') id: string, @CallerOf() caller: Caller): WebhookView {
    return this.webhooks.get(id, callerOf(caller));
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string, @CallerOf() caller: Caller): Promise<WebhookView> {
    return this.webhooks.pause(id, callerOf(caller));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again from the checkpoint, with a clean failure count' })
  resume(@Param('id') id: string, @CallerOf() caller: Caller): Promise<WebhookView> {
    return this.webhooks.resume(id, callerOf(caller));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @CallerOf() caller: Caller): Promise<void> {
    await this.webhooks.remove(id, callerOf(caller));
  }
}

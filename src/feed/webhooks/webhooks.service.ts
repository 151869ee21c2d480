import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApplicationError } from '../../application/application-errors.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import type { CreateWebhookDto } from './create-webhook.dto.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookRepository, type Webhook } from './webhook.repository.js';
import { privateTargetOf, WEBHOOK_RESOLVER, type Resolver } from './webhook-target.js';
import { FEED_OPTIONS, type FeedOptions } from '../feed-options.js';

/** A webhook as its owner sees it: everything but the secret. */
export type WebhookView = Omit<Webhook, 'secret'>;

export const viewOf = ({ secret: _secret, ...view }: Webhook): WebhookView => view;

/** Who asks: their identity for ownership, and whether they may see every webhook. */
export interface WebhookCaller {
  owner: string;
  actor: string;
  admin: boolean;
}

const notFound = (id: string) =>
  new ApplicationError(404, 'WEBHOOK.NOT_FOUND', `no webhook ${id} is registered for this caller`, { id });

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WebhookRepository) private readonly repository: WebhookRepository,
    @Inject(WebhookDeliveryService) private readonly delivery: WebhookDeliveryService,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {}

  async create(body: CreateWebhookDto, caller: WebhookCaller): Promise<WebhookView> {
    if (!this.options.webhookAllowPrivateTargets) {
      const refusal = await privateTargetOf(body.url, this.resolver);
      if (refusal) {
        throw new ApplicationError(
          422,
          'WEBHOOK.PRIVATE_TARGET',
          `the webhook URL may not be delivered to: ${refusal}. An operator whose receivers are inside the network sets LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS=true`,
          { errors: [{ field: 'url', messages: [refusal] }] },
        );
      }
    }
    const checkpoint = body.after ?? (await this.store.headPosition());
    const hook = this.repository.insert({
      id: randomUUID(),
      owner: caller.owner,
      createdBy: caller.actor,
      url: body.url,
      types: body.types && body.types.length > 0 ? [...body.types] : null,
      secret: body.secret,
      checkpoint,
      createdAt: new Date().toISOString(),
    });
    this.delivery.start(hook.id);
    return viewOf(hook);
  }

  list(caller: WebhookCaller): WebhookView[] {
    return this.repository.list(caller.admin ? undefined : caller.owner).map(viewOf);
  }

  get(id: string, caller: WebhookCaller): WebhookView {
    return viewOf(this.owned(id, caller));
  }

  async pause(id: string, caller: WebhookCaller): Promise<WebhookView> {
    this.owned(id, caller);
    this.repository.pause(id);
    await this.delivery.stop(id);
    return viewOf(this.repository.get(id)!);
  }

  /** Delivers again from the checkpoint: the event that failed comes first. */
  async resume(id: string, caller: WebhookCaller): Promise<WebhookView> {
    this.owned(id, caller);
    // A worker may still be winding down from a pause; stop it before starting afresh.
    await this.delivery.stop(id);
    this.repository.resume(id);
    this.delivery.start(id);
    return viewOf(this.repository.get(id)!);
  }

  async remove(id: string, caller: WebhookCaller): Promise<void> {
    this.owned(id, caller);
    await this.delivery.stop(id);
    this.repository.delete(id);
  }

  private owned(id: string, caller: WebhookCaller): Webhook {
    const hook = this.repository.get(id);
    if (!hook || (!caller.admin && hook.owner !== caller.owner)) throw notFound(id);
    return hook;
  }
}

import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { PROJECTION_HEALTH, type ProjectionHealth } from '../../application/queries/read-model.port.js';
import { Public } from '../auth/roles.decorator.js';
import { WebhookDeliveryService } from '../../feed/webhooks/webhook-delivery.service.js';
import { KeptAnswers } from '../kept-answers.js';

/** Lag above this many events reports the read models as degraded (still serving, still 200). */
const DEGRADED_LAG = 1000;

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_HEALTH) private readonly projections: ProjectionHealth,
    @Inject(WebhookDeliveryService) private readonly webhooks: WebhookDeliveryService,
    @Inject(KeptAnswers) private readonly kept: KeptAnswers,
  ) {}

  @Get('health')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: store reachable, projection lag (no key needed)' })
  check() {
    return this.health.check([
      () =>
        this.indicators
          .check('eventStore')
          .attempt(async () => {
            await this.store.ping();
            return { kind: this.store.kind, headPosition: await this.store.headPosition() };
          })
          .withTimeout(3000),
      async () => {
        const session = this.indicators.check('readModels');
        const status = await this.projections.status();
        const data = {
          position: status.position,
          lag: status.lag,
          projections: status.projections,
          ...(status.lastError ? { lastError: status.lastError } : {}),
          ...(status.poisoned.length > 0 ? { poisoned: status.poisoned } : {}),
        };
        if (!status.running) return session.down(data);
        return status.lag > DEGRADED_LAG || status.poisoned.length > 0
          ? session.degraded(data)
          : session.up(data);
      },
      // A receiver's trouble is not the ledger's: reported, never "down".
      async () => {
        const session = this.indicators.check('webhooks');
        const failing = this.webhooks.failures();
        return failing.length > 0
          ? session.degraded({ failing })
          : session.up({ running: this.webhooks.running().length });
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({
    summary: 'Prometheus metrics: projection lag and checkpoints, head position, kept answers',
  })
  async metrics() {
    return (await this.projections.metrics()) + this.kept.metrics();
  }
}

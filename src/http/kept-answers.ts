/**
 * Answers kept at the edge of the HTTP server: a GET route marked `@KeptAnswer()` answers the same text
 * for the same URL while the read models, the erasures and the day stay the same (the entitlements,
 * deadlines, summary and timeline reads: pure functions of those). Its 200 answers are kept by URL,
 * and the same URL is then answered in a Fastify preHandler hook, after the security headers and the
 * request budget, without running Nest's route (guard, pipes, query bus), which cost more than half of
 * a cached entitlements answer.
 *
 * A kept answer is served only to a key the guard would let through: a known key whose role the guard
 * has already admitted on that route (or admin), from an address not throttled for failed attempts.
 * Anything else (no key, an unknown key, another role, a new URL) goes to Nest as before.
 */
import type { FactoryProvider } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { KeyRing } from '../config/api-keys.js';
import type { Role } from '../config/ledger-config.js';
import { READ_MODELS, type ReadModels } from '../application/queries/read-model.port.js';
import { today } from '../application/time.js';
import { PERSONAL_DATA, type PersonalData } from '../personal-data/personal-data.js';
import { API_KEYS, callerFor, type Caller } from './auth/api-key.guard.js';
import { AUTH_THROTTLE, type AuthThrottle } from './auth/auth-throttle.js';
import { requestKeyHash } from './security.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    keptAnswer?: boolean;
  }
}

/**
 * On a GET route whose 200 answer depends only on its URL, the read models, the erasures and the day,
 * and whose guard decides by the key's role alone (a role once let through is let through again).
 */
export const KeptAnswer = (): MethodDecorator => RouteConfig({ keptAnswer: true });

/** URLs kept at most, and their answers' characters: past either, everything kept is dropped at once. */
const KEPT_URLS = 10_000;
const KEPT_CHARACTERS = 16 * 1024 * 1024;

interface Kept {
  body: string;
  contentType: string;
}

type KeptRequest = FastifyRequest & { caller?: Caller; keptStamp?: string };

/** What every kept answer depends on beside its URL; answers kept under another stamp are dropped. */
export type Stamp = () => string;

export class KeptAnswers {
  private readonly byUrl = new Map<string, Kept>();
  /** The roles the guard has let through, per route: only they are answered here. */
  private readonly admitted = new Map<string, Set<Role>>();
  private stamp = '';
  private characters = 0;
  private served = 0;

  constructor(
    private readonly stampNow: Stamp,
    private readonly keys: Pick<KeyRing, 'grantOf'>,
    private readonly throttle: Pick<AuthThrottle, 'retryAfter'>,
  ) {}

  /** Dropping everything kept when the stamp moves keeps no stale text in memory. */
  private current(): string {
    const stamp = this.stampNow();
    if (stamp !== this.stamp) this.forget(stamp);
    return stamp;
  }

  private forget(stamp: string): void {
    this.byUrl.clear();
    this.characters = 0;
    this.stamp = stamp;
  }

  /**
   * The kept answer for this request on `route` and the caller it is for, or undefined: then Nest
   * answers, and what it answers (and the role its guard let through) may be kept.
   */
  lookup(request: KeptRequest, route: string): { kept: Kept; caller: Caller } | undefined {
    const stamp = this.current();
    const kept = this.byUrl.get(request.url);
    const keyHash = kept === undefined ? undefined : requestKeyHash(request);
    const grant = keyHash === undefined ? undefined : this.keys.grantOf(keyHash);
    if (
      kept === undefined ||
      keyHash === undefined ||
      grant === undefined ||
      this.throttle.retryAfter(request.ip) > 0 ||
      (grant.role !== 'admin' && !this.admitted.get(route)?.has(grant.role))
    ) {
      request.keptStamp = stamp;
      return undefined;
    }
    this.served += 1;
    return { kept, caller: callerFor(request, keyHash, grant) };
  }

  /** Keeps a 200 answer Nest gave, if nothing moved since the request was looked up. */
  keep(request: KeptRequest, route: string, body: string, contentType: string): void {
    const role = request.caller?.role;
    if (role === undefined || request.keptStamp === undefined || request.keptStamp !== this.current()) return;
    if (body.length > KEPT_CHARACTERS) return;
    let roles = this.admitted.get(route);
    if (!roles) this.admitted.set(route, (roles = new Set()));
    roles.add(role);
    if (this.byUrl.size >= KEPT_URLS || this.characters + body.length > KEPT_CHARACTERS) {
      this.forget(this.stamp);
    }
    this.byUrl.set(request.url, { body, contentType });
    this.characters += body.length;
  }

  /** Prometheus lines for /metrics: answers served from kept text, and what is kept now. */
  metrics(): string {
    return [
      '# HELP ledger_kept_answers_served_total Answers served from kept text, without running their query.',
      '# TYPE ledger_kept_answers_served_total counter',
      `ledger_kept_answers_served_total ${this.served}`,
      '# HELP ledger_kept_answers_urls URLs whose answer is kept now.',
      '# TYPE ledger_kept_answers_urls gauge',
      `ledger_kept_answers_urls ${this.byUrl.size}`,
      '# HELP ledger_kept_answers_characters Characters of the answers kept now.',
      '# TYPE ledger_kept_answers_characters gauge',
      `ledger_kept_answers_characters ${this.characters}`,
      '',
    ].join('\n');
  }
}

/** The read models' epoch, the erasures' and the day, as one string made anew only when one moves. */
const stampOf = (readModels: ReadModels, personalData: PersonalData): Stamp => {
  let last = { epoch: -1, erasures: -1, day: '', stamp: '' };
  return () => {
    const epoch = readModels.epoch();
    const erasures = personalData.erasureEpoch();
    const day = today();
    if (epoch !== last.epoch || erasures !== last.erasures || day !== last.day) {
      last = { epoch, erasures, day, stamp: `${epoch}:${erasures}:${day}` };
    }
    return last.stamp;
  };
};

/** The KeptAnswers of the application; the stamp is the read models' epoch, the erasures' and the day. */
export const keptAnswersProvider: FactoryProvider<KeptAnswers> = {
  provide: KeptAnswers,
  useFactory: (readModels: ReadModels, personalData: PersonalData, keys: KeyRing, throttle: AuthThrottle) =>
    new KeptAnswers(stampOf(readModels, personalData), keys, throttle),
  inject: [READ_MODELS, PERSONAL_DATA, API_KEYS, AUTH_THROTTLE],
};

/** The hooks that answer from `answers` and keep what Nest answers, on the marked routes. */
export const registerKeptAnswers = (fastify: FastifyInstance, answers: KeptAnswers): void => {
  // Hooks of the marked routes only (added as each is registered), so no other route pays for them.
  const answer =
    (route: string): preHandlerHookHandler =>
    (request: KeptRequest, reply, done) => {
      const hit = request.method === 'GET' ? answers.lookup(request, route) : undefined;
      if (hit === undefined) return done();
      request.caller = hit.caller;
      reply.header('content-type', hit.kept.contentType).send(hit.kept.body);
    };
  const keep =
    (route: string): onSendHookHandler =>
    (request: KeptRequest, reply, payload, done) => {
      if (request.keptStamp !== undefined && reply.statusCode === 200 && typeof payload === 'string') {
        answers.keep(request, route, payload, String(reply.getHeader('content-type') ?? 'application/json'));
      }
      done(null, payload);
    };
  fastify.addHook('onRoute', (route) => {
    if (route.config?.keptAnswer !== true) return;
    route.preHandler = [...hooksOf(route.preHandler), answer(route.url)];
    route.onSend = [...hooksOf(route.onSend), keep(route.url)];
  });
};

const hooksOf = <H>(hooks: H | H[] | undefined): H[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];

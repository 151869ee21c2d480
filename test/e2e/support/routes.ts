/**
 * Every route of the running application as Nest knows it (controllers, HTTP method and path
 * metadata, and the guard's @Roles / @Public metadata), read through Nest's discovery service: the
 * route x role table and the fuzz suite cover whatever the controllers declare, however their
 * decorators are composed.
 */
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { Role } from '../../../src/config/ledger-config.js';
import { PUBLIC_KEY, ROLES_KEY } from '../../../src/http/auth/roles.decorator.js';

export interface DeclaredRoute {
  /** `GET /assignments/:assignmentId`, the key of the route table. */
  route: string;
  method: string;
  path: string;
  /** Path parameter names, in order. */
  params: string[];
  /** 'public', or the roles @Roles allows (admin may always). */
  access: 'public' | Role[];
}

const joinPaths = (...parts: string[]): string =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`;

export const declaredRoutes = (app: INestApplication): DeclaredRoute[] => {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes = new Map<string, DeclaredRoute>();
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (!controller) continue;
    const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (paths === undefined || verb === undefined) continue;
      const targets = [handler as () => void, controller];
      const access = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
        ? 'public'
        : [...(reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [])].sort();
      for (const base of bases) {
        for (const path of [paths].flat()) {
          const full = joinPaths(base, path);
          const method = RequestMethod[verb];
          const route = `${method} ${full}`;
          routes.set(route, {
            route,
            method,
            path: full,
            params: [...full.matchAll(/:(\w+)/g)].map((m) => m[1]!),
            access,
          });
        }
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.route.localeCompare(b.route));
};

/** Percent-encodes every byte of the text's UTF-8 (a lone surrogate becomes U+FFFD). */
const encodeBytes = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The path with each parameter replaced by `valueOf(name)`, URI-encoded. */
export const pathWith = (route: DeclaredRoute, valueOf: (name: string) => string): string =>
  route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = valueOf(name);
    try {
      return encodeURIComponent(value);
    } catch {
      return encodeBytes(value);
    }
  });

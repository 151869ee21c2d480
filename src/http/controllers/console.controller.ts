import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApplicationError } from '../../application/application-errors.js';
import { Public } from '../auth/roles.decorator.js';

/** Everything from this origin, nothing inline, nothing from anywhere else (the console runs on a closed network). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Vite writes hashed names such as `index-B2x9fQ1a.js`: only such names are ever looked up. */
const ASSET_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** The console's build (`npm run build` runs `vite build` into dist/console), found from the package root. */
export const consoleBuildDir = (): string => {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
};

interface ConsoleFiles {
  index: Buffer;
  assets: Map<string, Buffer>;
}

const notBuilt = () =>
  new ApplicationError(
    503,
    'CONSOLE.NOT_BUILT',
    'the web console is not built: run `npm run build` (it runs vite build into dist/console)',
  );

/**
 * `GET /console`: the web console's page and its assets, from memory. The page is never cached (it
 * names the current assets); an asset's name carries its content hash, so it is cached for a year.
 */
@ApiTags('console')
@Public()
@Controller('console')
export class ConsoleController {
  private files: ConsoleFiles | undefined;

  @Get()
  @ApiOperation({
    summary: 'The web console (HTML) for HR, auditors and admins; it uses this API with the key entered',
  })
  page(@Res() reply: FastifyReply): void {
    const files = this.load();
    void reply
      .headers(securityHeaders)
      .header('Cache-Control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(files.index);
  }

  @Get('assets/:name')
  @ApiExcludeEndpoint()
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const body = ASSET_NAME.test(name) ? this.load().assets.get(name) : undefined;
    if (!body) {
      throw new ApplicationError(
        404,
        'CONSOLE.NO_SUCH_ASSET',
        `the console has no asset ${name.slice(0, 200)}`,
      );
    }
    void reply
      .headers(securityHeaders)
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .type(TYPES[extname(name)] ?? 'application/octet-stream')
      .send(body);
  }

  private load(): ConsoleFiles {
    if (this.files) return this.files;
    const dir = consoleBuildDir();
    const indexPath = join(dir, 'index.html');
    if (!existsSync(indexPath)) throw notBuilt();
    const assetDir = join(dir, 'assets');
    const assets = new Map<string, Buffer>();
    if (existsSync(assetDir)) {
      for (const name of readdirSync(assetDir)) assets.set(name, readFileSync(join(assetDir, name)));
    }
    this.files = { index: readFileSync(indexPath), assets };
    return this.files;
  }
}

const securityHeaders = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

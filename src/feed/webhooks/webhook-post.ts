import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * Sends webhook deliveries with node:http and node:https rather than fetch, because their connections
 * take a `lookup`: the address a delivery connects to comes from the lookup that checked it
 * (webhook-target.ts), not from a resolution of its own. The Host header and the TLS server name stay
 * the URL's. Redirects are never followed; the answer's body is discarded.
 */
export class WebhookPoster {
  // A connection per delivery, so every delivery's address is looked up and checked afresh, and no
  // idle connection the receiver closed meanwhile fails a delivery; those in flight close with the poster.
  private readonly http = new HttpAgent({ keepAlive: false });
  private readonly https = new HttpsAgent({ keepAlive: false });

  constructor(private readonly lookup: LookupFunction) {}

  /**
   * POSTs `body` to `url` and answers the receiver's HTTP status once it arrives. Rejects with the
   * connection's error, or with `signal.reason` when the signal aborts (a timeout, a shutdown) before
   * the status came; after it, the signal still cuts short the reading of a body that does not end.
   */
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return reject(new Error(`${target.protocol} URLs are not delivered to`));
      }
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: target.protocol === 'https:' ? this.https : this.http,
        lookup: this.lookup,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      });
      const abort = (): void => {
        request.destroy();
        reject(signal.reason);
      };
      signal.addEventListener('abort', abort, { once: true });
      request.on('close', () => signal.removeEventListener('abort', abort));
      request.on('error', reject);
      request.on('response', (response) => {
        response.on('error', () => undefined); // the status is what counts
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

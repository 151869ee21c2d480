/**
 * Where a webhook may deliver. A subscriber's key can register any URL, so without a check the ledger
 * would POST signed events to whatever the URL names - the cloud metadata service at 169.254.169.254,
 * an admin port on localhost, a database in the private network (server-side request forgery). By
 * default a webhook URL must resolve only to public addresses; an operator whose receivers live inside
 * the network says so with LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS=true.
 *
 * The check runs when the webhook is registered (privateTargetOf) and again on every delivery attempt,
 * so a name that later resolves somewhere private stops receiving (the attempt fails and is retried
 * like any other failure). On delivery the check is the connection's own lookup (deliveryLookup): the
 * name is resolved once, every address is checked (one private address refuses the name), and the
 * socket is handed the very addresses that were checked. There is no second lookup for a name to answer
 * differently (DNS rebinding: public to the check, 127.0.0.1 to the connection). A URL that names an
 * address needs no lookup and is checked as written (privateAddressOf). Each delivery opens its own
 * connection (webhook-post.ts), so each is checked; redirects are never followed.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a webhook may not reach unless private targets are allowed. */
export const isPrivateAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  // IPv4 written as IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
};

/** Every address of a host name, as dns.lookup with `all: true` answers. Tests inject their own. */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/** The operating system's resolver (getaddrinfo: hosts file, then DNS), addresses in the order given. */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Nest token of the Resolver webhooks use, at registration and on delivery. */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

/** A delivery refused because its target resolved to an address webhooks may not reach. */
export class PrivateTargetError extends Error {
  override readonly name = 'PrivateTargetError';
  readonly code = 'WEBHOOK_PRIVATE_TARGET';
}

const addressOf = ({ address }: { address: string }): string => address;

const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');

const refusalOf = (host: string, addresses: readonly string[]): string | undefined => {
  const blocked = addresses.find(isPrivateAddress);
  return blocked === undefined
    ? undefined
    : `${host} resolves to ${blocked}, a loopback, private or reserved address`;
};

/** Why the URL may not be a webhook target, or undefined when it may. */
export const privateTargetOf = async (
  url: string,
  resolve: Resolver = systemResolver,
): Promise<string | undefined> => {
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await resolve(host)).map(addressOf);
  } catch (error) {
    return `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return refusalOf(host, addresses);
};

/** Why the URL may not be a webhook target when it names an address (no lookup is made for those). */
export const privateAddressOf = (url: string): string | undefined => {
  const host = hostOf(url);
  return isIP(host) ? refusalOf(host, [host]) : undefined;
};

/**
 * The `lookup` (dns.lookup's signature) of a delivery's connection: resolves with `resolve` and hands the
 * socket what it found. Unless `allowPrivate`, an answer with any private address fails the connection
 * with a PrivateTargetError instead, so the addresses connected to are exactly the ones checked.
 */
export const deliveryLookup =
  (resolve: Resolver, allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    const answered = (found: readonly { address: string; family: number }[]): void => {
      const refusal = allowPrivate ? undefined : refusalOf(hostname, found.map(addressOf));
      if (refusal) return callback(new PrivateTargetError(refusal), '');
      const addresses = found.map(({ address }) => ({ address, family: isIP(address) }));
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = addresses.filter((a) => a.family !== 0 && (!family || a.family === family));
      if (usable.length === 0) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        return callback(error, '');
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    };
    Promise.resolve(hostname)
      .then(resolve)
      .then(answered, (error: NodeJS.ErrnoException) => callback(error, ''));
  };

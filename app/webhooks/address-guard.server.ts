import dns from "node:dns/promises";
import net from "node:net";

/**
 * Server-side request forgery guard of outgoing webhooks: a commune administrator chooses the
 * URL, so without it the portal could be made to call its own database, the cloud metadata
 * service or any host of the private network. Every address the host resolves to must be
 * public; the request then connects to the very address checked (no second resolution a DNS
 * rebinding could answer differently).
 */

/** Ranges that are not the public Internet (IANA special-purpose registries). */
const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "« ce réseau »"],
  ["10.0.0.0", 8, "privée"],
  ["100.64.0.0", 10, "partagée (CGNAT)"],
  ["127.0.0.0", 8, "de bouclage"],
  ["169.254.0.0", 16, "lien-local"],
  ["172.16.0.0", 12, "privée"],
  ["192.0.0.0", 24, "réservée (IETF)"],
  ["192.0.2.0", 24, "de documentation"],
  ["192.88.99.0", 24, "réservée (relais 6to4)"],
  ["192.168.0.0", 16, "privée"],
  ["198.18.0.0", 15, "de test"],
  ["198.51.100.0", 24, "de documentation"],
  ["203.0.113.0", 24, "de documentation"],
  ["224.0.0.0", 4, "de multidiffusion"],
  ["240.0.0.0", 4, "réservée"],
];

const BLOCKED_V6: Array<[string, number, string]> = [
  // Most specific first: the first match names the range.
  ["::1", 128, "de bouclage"],
  ["::", 96, "non spécifiée ou compatible IPv4"],
  ["::ffff:0:0", 96, "IPv4 transposée"],
  // SIIT's IPv4-translated addresses (RFC 2765): ::ffff:0:7f00:1 is 127.0.0.1 to a translator.
  ["::ffff:0:0:0", 96, "IPv4 traduite (SIIT)"],
  ["64:ff9b::", 96, "de traduction NAT64"],
  ["64:ff9b:1::", 48, "de traduction NAT64 locale"],
  ["100::", 64, "de rejet"],
  ["2001::", 23, "réservée (IETF, Teredo)"],
  ["2001:db8::", 32, "de documentation"],
  ["2002::", 16, "6to4"],
  ["fc00::", 7, "locale unique (ULA)"],
  ["fe80::", 10, "lien-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "de multidiffusion"],
];

/** One BlockList per range, to name the range that refused an address. */
const RANGES = [
  ...BLOCKED_V4.map(([address, prefix, label]) => ({ type: "ipv4" as const, address, prefix, label })),
  ...BLOCKED_V6.map(([address, prefix, label]) => ({ type: "ipv6" as const, address, prefix, label })),
].map((range) => {
  const list = new net.BlockList();
  list.addSubnet(range.address, range.prefix, range.type);
  return { ...range, list };
});

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Classifies one IP address (v4 or v6 literal, brackets and zone id tolerated). Anything unparsable is refused. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = net.isIP(bare);
  if (family === 0) return { allowed: false, reason: "adresse IP illisible" };
  const type = family === 4 ? "ipv4" : "ipv6";
  const range = RANGES.find((r) => r.type === type && r.list.check(bare, type));
  return range ? { allowed: false, reason: `adresse ${range.label}` } : { allowed: true };
}

export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves `hostname` and returns the address to connect to. With `allowPrivate` false, every
 * resolved address must be public: a name answering one private address among public ones is
 * refused as a whole (which one a client would use is not ours to guess).
 */
export async function resolveTarget(
  hostname: string,
  { allowPrivate, resolver = systemResolver }: { allowPrivate: boolean; resolver?: Resolver },
): Promise<ResolvedTarget> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  const literal = net.isIP(bare);
  const addresses = literal
    ? [{ address: bare, family: literal }]
    : await resolver(bare).catch(() => {
        throw new BlockedAddressError("nom d’hôte introuvable (DNS)");
      });
  if (addresses.length === 0) throw new BlockedAddressError("nom d’hôte introuvable (DNS)");
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const verdict = classifyAddress(address);
      if (!verdict.allowed) throw new BlockedAddressError(`adresse refusée : ${verdict.reason}`);
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

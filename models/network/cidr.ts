/**
 * IPv4 addresses and CIDR blocks as numbers: containment, overlap, the n-th address of a block and
 * longest-prefix matching, the arithmetic route tables, security groups and network ACLs share.
 *
 * Pure module: no Pulumi imports.
 */

/** A parsed IPv4 block: its first address as an unsigned 32-bit number and its prefix length. */
export interface Ipv4Block {
  address: number;
  bits: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const addressPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function octetsToNumber(octets: number[]): number | undefined {
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((a, o) => a * 256 + o, 0);
}

/** `10.1.0.0/16` as a block, or undefined when it is no IPv4 CIDR block. Host bits may be set (`10.1.2.3/16`); the block is the network they lie in. */
export function parseIpv4Cidr(cidr: string): Ipv4Block | undefined {
  const m = cidrPattern.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  const address = octetsToNumber(m.slice(1, 5).map(Number));
  if (address === undefined || bits > 32) return undefined;
  return { address: networkOf(address, bits), bits };
}

/** `10.1.2.3` as a number, or undefined. */
export function parseIpv4Address(address: string): number | undefined {
  const m = addressPattern.exec(address);
  return m ? octetsToNumber(m.slice(1, 5).map(Number)) : undefined;
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

export function formatIpv4Cidr(block: Ipv4Block): string {
  return `${formatIpv4(block.address)}/${block.bits}`;
}

function networkOf(address: number, bits: number): number {
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) * size;
}

/** Whether `cidr` names its network exactly (`10.1.0.0/16`, not `10.1.2.0/16`): AWS refuses host bits in a VPC or subnet block. */
export function isNetworkAddress(cidr: string): boolean {
  const m = cidrPattern.exec(cidr);
  const block = parseIpv4Cidr(cidr);
  return !!m && !!block && octetsToNumber(m.slice(1, 5).map(Number)) === block.address;
}

/** Whether every address of `inner` lies in `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseIpv4Cidr(outer);
  const i = parseIpv4Cidr(inner);
  return !!o && !!i && i.bits >= o.bits && networkOf(i.address, o.bits) === o.address;
}

/** Whether `address` (dotted) lies in `cidr`. */
export function cidrContainsAddress(cidr: string, address: string): boolean {
  return cidrContains(cidr, `${address}/32`);
}

/** Whether two blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The `n`-th address of a block (0 is its network address); throws when the block has no such address. */
export function nthAddress(cidr: string, n: number): string {
  const block = parseIpv4Cidr(cidr);
  if (!block) throw new Error(`${cidr} is not an IPv4 CIDR block`);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** (32 - block.bits)) throw new Error(`${cidr} has no address number ${n}`);
  return formatIpv4(block.address + n);
}

/** The `index`-th block of `bits` inside `cidr` (`subBlock("10.1.0.0/16", 20, 2)` = `10.1.32.0/20`). */
export function subBlock(cidr: string, bits: number, index: number): string {
  const block = parseIpv4Cidr(cidr);
  if (!block) throw new Error(`${cidr} is not an IPv4 CIDR block`);
  if (bits < block.bits || bits > 32) throw new Error(`a /${bits} does not fit in ${cidr}`);
  const count = 2 ** (bits - block.bits);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new Error(`${cidr} holds ${count} blocks of /${bits}, not number ${index}`);
  return formatIpv4Cidr({ address: block.address + index * 2 ** (32 - bits), bits });
}

/** The entry whose block holds `destination` (a CIDR) with the longest prefix, as a route table picks its route; undefined when none does. */
export function longestPrefixMatch<T>(entries: readonly T[], blockOf: (entry: T) => string | undefined, destination: string): T | undefined {
  let best: { entry: T; bits: number } | undefined;
  for (const entry of entries) {
    const block = blockOf(entry);
    if (block === undefined || !cidrContains(block, destination)) continue;
    const bits = parseIpv4Cidr(block)!.bits;
    if (!best || bits > best.bits) best = { entry, bits };
  }
  return best?.entry;
}

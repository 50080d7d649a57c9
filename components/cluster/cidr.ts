// IPv4 CIDR arithmetic for laying out subnets inside the VPC's block.

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

interface Cidr {
  address: number;
  prefixLength: number;
}

/** Parses an IPv4 CIDR block, or returns undefined when it is malformed or has host bits set. */
export function parseCidr(block: string): Cidr | undefined {
  const match = CIDR.exec(block);
  if (!match) return undefined;

  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefixLength > 32) return undefined;

  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const hostBits = 2 ** (32 - prefixLength);
  if (address % hostBits !== 0) return undefined;
  return { address, prefixLength };
}

function formatCidr({ address, prefixLength }: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefixLength}`;
}

/**
 * Returns subnet number `index` of `block` when it is split into subnets
 * `newBits` longer: `subnetCidr("10.0.0.0/16", 4, 1)` is `10.0.16.0/20`.
 */
export function subnetCidr(block: string, newBits: number, index: number): string {
  const parent = parseCidr(block);
  if (!parent) throw new Error(`invalid CIDR block "${block}": expected an IPv4 network such as 10.0.0.0/16`);

  const prefixLength = parent.prefixLength + newBits;
  if (prefixLength > 32 || index < 0 || index >= 2 ** newBits) {
    throw new Error(`subnet ${index} of ${block} with ${newBits} more prefix bits does not exist`);
  }
  return formatCidr({ address: parent.address + index * 2 ** (32 - prefixLength), prefixLength });
}

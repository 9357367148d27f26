// host:port text, read and written in one place for the commands, the runner
// and the measurements. IPv6 hosts go in brackets: [::1]:50051.

export interface HostPort {
  /** Without brackets: "::1", "127.0.0.1", "localhost". */
  host: string;
  port: number;
}

/** "127.0.0.1:50051", or "[::1]:50051" for an IPv6 host. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits "host:port" or "[v6]:port"; undefined when it is neither. The port is not range-checked. */
export function splitAddress(address: string): HostPort | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]]+)):(\d{1,5})$/.exec(address);
  return match ? { host: match[1] ?? match[2], port: Number(match[3]) } : undefined;
}

/** The same host, the next port: where lesson 05 serves REST next to gRPC. */
export function nextPortAddress(address: string): string | undefined {
  const parsed = splitAddress(address);
  return parsed && parsed.port < 65_535 ? formatAddress(parsed.host, parsed.port + 1) : undefined;
}

/**
 * One gRPC target that names several backends on one host, for a client's
 * channel to balance over: "ipv4:127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".
 * grpc-js resolves an `ipv4:` (or `ipv6:`) target to every address in its
 * comma-separated list, with no DNS lookup; a load-balancing policy then picks
 * among them. A host name has no such scheme: it throws.
 */
export function multiAddressTarget(host: string, ports: readonly number[]): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const scheme = /^\d{1,3}(\.\d{1,3}){3}$/.test(bare) ? 'ipv4' : bare.includes(':') ? 'ipv6' : undefined;
  if (!scheme) throw new Error(`several backends need an IP address to name them in one target, not "${host}"`);
  return `${scheme}:${ports.map((port) => formatAddress(bare, port)).join(',')}`;
}

/** The port of a peer address ("127.0.0.1:43405", "[::1]:43405"); undefined for a unix socket. */
export function peerPort(peer: string | undefined): number | undefined {
  const match = peer === undefined ? null : /:(\d+)$/.exec(peer);
  return match ? Number(match[1]) : undefined;
}

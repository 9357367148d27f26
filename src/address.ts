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

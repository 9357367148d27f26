// What a connection is secured with, read from Node's TLS socket under an
// HTTP/2 session: the protocol and cipher the handshake agreed, the
// certificates each side showed, and how many bytes went in and out of TLS.
// Everything here is read off the socket, nothing is worked out from the
// configuration.
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { escapeControlChars } from '../runtime/control-chars.js';
import type { CertificateSummary, TlsBytes, TlsSummary } from './events.js';

/** Whether the socket is a TLS socket (Node sets `encrypted` on TLS sockets only). */
export function isTlsSocket(socket: unknown): socket is TLSSocket {
  return typeof socket === 'object' && socket !== null && (socket as { encrypted?: unknown }).encrypted === true;
}

/**
 * "CN=localhost", or every field of the name in its order ("C=US, O=Let's
 * Encrypt, CN=R3"). The fields come from the peer's certificate: control
 * characters in them are escaped before they reach a terminal.
 */
export function distinguishedName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return escapeControlChars(
    Object.entries(name)
      .flatMap(([field, value]) => (Array.isArray(value) ? value : [value]).map((one) => `${field}=${one}`))
      .join(', '),
  );
}

/** A certificate as Node's TLS socket gives it; undefined for the empty object Node returns when there is none. */
function certificateSummary(
  certificate: ReturnType<TLSSocket['getPeerCertificate']> | object | null,
): CertificateSummary | undefined {
  const cert = certificate as Partial<ReturnType<TLSSocket['getPeerCertificate']>> | null;
  if (!cert || !cert.subject) return undefined;
  return {
    subject: distinguishedName(cert.subject as unknown as Record<string, string>),
    issuer: distinguishedName(cert.issuer as unknown as Record<string, string>),
    ...(cert.valid_to ? { validTo: cert.valid_to } : {}),
    ...(cert.fingerprint256 ? { fingerprint256: cert.fingerprint256 } : {}),
  };
}

/**
 * What a client's TLS socket says of its connection once the handshake is
 * done: protocol, cipher, ALPN, the server's certificate, and the certificate
 * the client holds for mTLS (which TLS sends only when the server asks).
 */
export function clientTlsSummary(socket: TLSSocket): TlsSummary {
  const cipher = socket.getCipher();
  const server = certificateSummary(socket.getPeerCertificate());
  const client = certificateSummary(socket.getCertificate());
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
    ...(socket.alpnProtocol ? { alpn: socket.alpnProtocol } : {}),
    ...(server ? { server } : {}),
    ...(client ? { client } : {}),
  };
}

/** "TLS 1.3" for Node's "TLSv1.3". */
export function protocolName(protocol: string): string {
  return protocol.replace(/^TLSv/, 'TLS ');
}

/** "CN=localhost": the common name alone when the name has one, else the whole name. */
export function shortName(name: string): string {
  return /(?:^|, )(CN=[^,]*)/.exec(name)?.[1] ?? name;
}

/**
 * A server's line for a TLS connection it accepted: what the handshake
 * agreed, and whether the client showed a certificate (mTLS), whose, and
 * whether it was verified against the server's CA.
 */
export function serverTlsLine(socket: TLSSocket): string {
  const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'a unix socket';
  const cipher = socket.getCipher();
  const agreed = [
    protocolName(socket.getProtocol() ?? 'unknown'),
    cipher?.standardName ?? cipher?.name ?? 'unknown cipher',
    ...(socket.alpnProtocol ? [`ALPN ${socket.alpnProtocol}`] : []),
  ].join(', ');
  const client = certificateSummary(socket.getPeerCertificate());
  const who = client
    ? `client certificate ${shortName(client.subject)} (issuer ${shortName(client.issuer)}, ${socket.authorized ? 'verified' : `not verified: ${socket.authorizationError}`})`
    : 'no client certificate';
  return `TLS connection from ${peer}: ${agreed}, ${who}`;
}

/** What the byte counters of a client's connection read at one moment. */
export interface ByteCounters {
  /** HTTP/2 bytes the session handed TLS to send, and the bytes it read out of TLS. */
  written: number;
  read: number;
  /** Bytes written to and read from the TCP socket under TLS: records, handshake and all. */
  writtenOnTcp: number;
  readOnTcp: number;
}

/**
 * Reads both sides of TLS on a client's socket. grpc-js opens the TCP
 * connection itself and hands it to tls.connect(), which keeps it as the TLS
 * socket's `_parent` (Node's name): its counters are the bytes on the wire,
 * the TLS socket's are the bytes before encryption. Undefined when the socket
 * has no such parent or its counters cannot be read (it has been closed):
 * nothing is estimated instead.
 */
export function readByteCounters(socket: TLSSocket): ByteCounters | undefined {
  try {
    const tcp = (socket as TLSSocket & { _parent?: Socket | null })._parent;
    if (!tcp) return undefined;
    const counters = {
      written: socket.bytesWritten,
      read: socket.bytesRead,
      writtenOnTcp: tcp.bytesWritten,
      readOnTcp: tcp.bytesRead,
    };
    return Object.values(counters).every((value) => Number.isFinite(value)) ? counters : undefined;
  } catch {
    // The session let go of its socket (it has closed).
    return undefined;
  }
}

/** The bytes between two readings of the same socket's counters. */
export function bytesBetween(start: ByteCounters, end: ByteCounters): TlsBytes {
  return {
    sent: end.written - start.written,
    sentOnTcp: end.writtenOnTcp - start.writtenOnTcp,
    received: end.read - start.read,
    receivedOnTcp: end.readOnTcp - start.readOnTcp,
  };
}

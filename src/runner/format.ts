// Text forms of timeline events, shared by the transcript and the terminal UI.
import {
  UNIX_SOCKET_PEER,
  type FaultKind,
  type HeaderKind,
  type HeaderPair,
  type MessageEvent,
  type WireEvent,
} from '../instrument/events.js';
import { messagePreview } from '../instrument/decode.js';
import { byteSize } from '../instrument/wire-format.js';
import { statusDetailsSummary } from '../instrument/status-details.js';
import { peerPort } from '../address.js';
import { CATALOGS, type Catalog } from '../i18n/catalog.js';
import { protocolName, shortName } from '../instrument/tls.js';

export function formatMs(ms: number): string {
  return `+${ms.toFixed(1)} ms`.padStart(11);
}

export function shortMethod(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export const HEADER_LABEL: Record<HeaderKind, string> = {
  request: 'headers',
  response: 'headers',
  trailers: 'trailers',
  'trailers-only': 'trailers-only',
};

/** What a fault row calls each fault the lesson UI can inject. */
export const FAULT_LABEL: Record<FaultKind, string> = {
  cancel: 'cancel',
  deadline: 'deadline',
  pause: 'pause',
  resume: 'resume',
  'kill-server': 'kill server',
};

/** The headers a learner looks for first; a timeline row leads with them, the wire view keeps wire order. */
const KEY_HEADERS = [':path', 'grpc-timeout', ':status', 'grpc-status', 'grpc-message'];

/** Headers as `name: value` pairs on one line, the ones that tell most first. */
export function headerList(headers: HeaderPair[]): string {
  const rank = ([name]: HeaderPair) => {
    const index = KEY_HEADERS.indexOf(name);
    return index < 0 ? KEY_HEADERS.length : index;
  };
  return [...headers]
    .sort((a, b) => rank(a) - rank(b))
    .map(([name, value]) => `${name}: ${value}`)
    .join('  ');
}

/**
 * What a message row says of its size: the bytes it took on the wire, prefix
 * included; for a compressed message also its encoding and its size decoded,
 * as in "3017 B" and "gzip (64.0 KiB)".
 */
export function messageSize(event: MessageEvent): { wire: string; compression?: string } {
  const wire = `${event.wireSize} B`;
  if (!event.compressed) return { wire };
  return { wire, compression: `${event.encoding ?? 'compressed'} (${byteSize(event.size)})` };
}

export type TransportEvent = Extract<WireEvent, { type: 'transport' }>;

/** What a plaintext connection's row says: the contrast with TLS, in every lesson that has none. */
export const PLAINTEXT_TRANSPORT = CATALOGS.en.plaintext;
const ENGLISH = CATALOGS.en;

/**
 * A connection's row: "TLS 1.3  TLS_AES_256_GCM_SHA384  ALPN h2  server cert
 * CN=localhost, issuer CN=lesson 15 CA", or PLAINTEXT_TRANSPORT.
 */
export function transportText({ tls }: TransportEvent, words: Catalog = ENGLISH): string {
  if (!tls) return words.plaintext;
  const server = tls.server
    ? words.serverCert(shortName(tls.server.subject), shortName(tls.server.issuer))
    : words.noServerCert;
  return [protocolName(tls.protocol), tls.cipher, ...(tls.alpn ? [`ALPN ${tls.alpn}`] : []), server].join('  ');
}

/** One line per timeline event, without colours; `method` is the call's, for decoding message content. */
export function formatWireEvent(event: WireEvent, method?: string, words: Catalog = ENGLISH): string {
  switch (event.type) {
    case 'call':
      return words.call(event.call, event.method, words.kind[event.kind]);
    case 'message': {
      const arrow = words.direction[event.direction];
      const { wire, compression } = messageSize(event);
      const size = `${wire.padStart(8)}${compression ? ` ${compression}` : ''}`;
      return `${formatMs(event.ms)}  ${arrow} ${size}  ${messagePreview(event, method)}`;
    }
    case 'half-close':
      return `${formatMs(event.ms)}  ${words.halfClosed}`;
    case 'headers': {
      const arrow = words.direction[event.direction];
      const details = statusDetailsSummary(event.headers);
      return `${formatMs(event.ms)}  ${arrow}  ${HEADER_LABEL[event.kind].padEnd(7)} ${details ? `${words.errorDetails} ${details}  ` : ''}${headerList(event.headers)}`;
    }
    case 'connectivity':
      return `${formatMs(event.ms)}  ${words.channel(event.state)}`;
    case 'transport':
      return `${formatMs(event.ms)}  ${transportText(event, words)}`;
    case 'status':
      return `${formatMs(event.ms)}  ${words.status(event.codeName, event.code !== 0 ? event.details : '')}`;
    case 'fault':
      return `${formatMs(event.ms)}  ${words.fault(FAULT_LABEL[event.fault], words.faultDetail(event.detail))}`;
  }
}

/**
 * Which of a lesson's several servers a call went to, from the peer of its
 * request headers (see WireEvent 'headers'): the label of the server that
 * listens on that port, or the peer itself if none does ("unix socket").
 */
export function backendOf(peer: string, ports: ReadonlyMap<string, number>): string {
  const port = peerPort(peer);
  for (const [label, listening] of ports) if (listening === port) return label;
  return peer;
}

/**
 * The response header in which a backend may name itself. Behind a proxy a
 * call's connection ends at the proxy, so its peer says nothing of the
 * backend that served it; services often name the instance that answered in
 * a response header (x-backend, x-served-by) for whoever debugs them through
 * the proxy, and lesson 20's backends do.
 */
export const BACKEND_HEADER = 'x-backend';

/**
 * Where each call of a lesson with several servers went, for the timeline,
 * the transcript and the bars. A call whose connection went to one of the
 * servers' ports is that server's: the tap saw where it went. A call whose
 * connection went elsewhere (a proxy in front) is the server's that its
 * response headers name in BACKEND_HEADER, when that is one of the lesson's
 * servers: the backend's own word, carried through the proxy.
 */
export class CallBackends {
  private readonly calls = new Map<string, { peer: string; label?: string; direct: boolean }>();

  /** Notes what one wire event of the call `key` says of where it went; `ports`: each server's port, by label. */
  note(key: string, event: WireEvent, ports: ReadonlyMap<string, number>): void {
    if (event.type !== 'headers') return;
    if (event.kind === 'request' && event.peer !== undefined) {
      const label = backendOf(event.peer, ports);
      const direct = ports.has(label);
      this.calls.set(key, { peer: event.peer, direct, ...(direct ? { label } : {}) });
      return;
    }
    const call = this.calls.get(key);
    if (!call || call.direct || event.direction !== 'server->client') return;
    const named = event.headers.find(([name]) => name === BACKEND_HEADER)?.[1];
    if (named !== undefined && ports.has(named)) call.label = named;
  }

  /** The label of the lesson's server that served the call, once known. */
  label(key: string): string | undefined {
    return this.calls.get(key)?.label;
  }

  /**
   * What the call's row says of where it went: "b"; "b via 127.0.0.1:50060"
   * through a proxy; the peer alone while no server is known ("unix socket").
   */
  text(key: string, words: Catalog = ENGLISH): string | undefined {
    const call = this.calls.get(key);
    if (!call) return undefined;
    if (call.label === undefined) return call.peer === UNIX_SOCKET_PEER ? words.unixSocket : call.peer;
    return call.direct ? call.label : words.via(call.label, call.peer);
  }

  clear(): void {
    this.calls.clear();
  }
}

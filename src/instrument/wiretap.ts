// Watches every call a process makes, from outside the lesson code, at the
// lowest layers grpc-js has: the channel's calls (below every interceptor,
// where messages are the exact protobuf bytes sent and received) and the
// HTTP/2 streams under them (where headers and trailers are the ones on the
// wire). Prototypes and the http2 module are shared by every importer, so it
// makes no difference when the lesson imports grpc-js.
//
// A trailers-only response (any error a unary handler returns) carries no
// message: nothing below is called for one, so the timeline cannot show a
// reply that never crossed the wire.
//
// Compression happens between the two layers (grpc-js's compression filter
// sits right under the channel's call): the channel's call sees a message as
// the application sent or received it, the HTTP/2 stream sees it as it
// crossed the wire, behind a 5-byte prefix whose first byte says whether it
// was compressed. Each message event pairs the two, in order: the size on the
// wire and the flag from the stream, the decoded bytes from the call.
//
// Under the HTTP/2 session is its socket: a TLS socket for a channel with TLS
// credentials, a plain TCP one otherwise. The first call on each connection
// gets a row that says which (with what the TLS handshake agreed), and a call
// on a TLS connection ends with the bytes that went in and out of TLS while it
// was open: everything above, messages and headers, is what TLS encrypts.
//
// The same two places let the lesson UI inject faults from outside the lesson
// code (applyFault): cancel the calls in flight, pause their reading, or clamp
// the deadline each call is created with.
import http2 from 'node:http2';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import {
  CAPTURE_BYTES,
  GRPC_MESSAGE_PREFIX_BYTES,
  UNIX_SOCKET_PEER,
  type FaultKind,
  type HeaderPair,
  type WireEvent,
} from './events.js';
import type { ClientFault, KilledServer } from './ipc-sink.js';
import { formatAddress, peerPort } from '../address.js';
import { decodePreview } from './decode.js';
import { methodKindOf } from './wire-format.js';
import { bytesBetween, clientTlsSummary, isTlsSocket, readByteCounters, type ByteCounters } from './tls.js';

export interface WireTapOptions {
  /** Messages up to this many bytes (decoded) are reported with their bytes (base64), for the wire view. */
  captureBytes?: number;
  /**
   * Add a JSON preview to every message. A consumer that decodes the bytes
   * itself (the UI, lazily, for the rows it shows) turns this off and saves
   * the process the work; a message too big to keep its bytes gets its
   * preview either way, made here where its bytes are.
   */
  preview?: boolean;
  /**
   * A deadline, in milliseconds from its start, for every call: the sooner of
   * it and the lesson's own applies (a fault the lesson UI sets for a run).
   */
  deadlineMs?: number;
}

interface CallState {
  id: number;
  startedAt: number;
  method: string;
}

/** A call in flight, with what a fault needs to act on it. */
interface OpenCall {
  state: CallState;
  channelCall: ChannelCall;
  /** Its HTTP/2 stream, once grpc-js has opened it. */
  reading?: ReadingControl;
  /** The address at the other end of that stream's connection. */
  peer?: string;
  /** Messages the application sent, as it sent them, that have not gone into the stream yet. */
  unsent: Buffer[];
  /** The prefixes of messages that arrived on the stream and that grpc-js has not handed on yet. */
  arrived: MessagePrefix[];
  /** grpc-encoding of the request headers, and of the response headers. */
  sendEncoding?: string;
  receiveEncoding?: string;
  /** On a TLS connection: its socket, and its byte counters when the call's stream opened. */
  tls?: { socket: TLSSocket; start: ByteCounters };
}

/** What a message's 5-byte prefix says: whether the payload is compressed, and its length as sent. */
interface MessagePrefix {
  compressed: boolean;
  length: number;
}

/** The call-level object grpc-js's channel returns from createCall (not exported as a type). */
interface ChannelCall {
  start(metadata: grpc.Metadata, listener: ChannelListener): void;
  sendMessageWithContext(context: object, message: Buffer): void;
  cancelWithStatus(status: grpc.status, details: string): void;
}
interface ChannelListener {
  onReceiveMetadata(metadata: grpc.Metadata): void;
  onReceiveMessage(message: Buffer): void;
  onReceiveStatus(status: grpc.StatusObject): void;
}
type CreateCall = (this: grpc.Channel, method: string, deadline: grpc.Deadline, ...rest: unknown[]) => ChannelCall;

const CALL_OPTION = Symbol('wire-tap call');

/** The details of the CANCELLED status a cancel from the lesson UI gives a call. */
export const UI_CANCEL_DETAILS = 'cancelled from the lesson UI';

let installed = false;
/** The installed tap's fault handler. */
let faultHandler: ((fault: ClientFault, server?: KilledServer) => void) | undefined;

/**
 * Applies a fault to the calls this process has in flight (or, for pause,
 * to every call until resume): the tap reports each as a 'fault' row. A
 * 'kill-server' of one of several servers marks only the calls on its port.
 */
export function applyFault(fault: ClientFault, server?: KilledServer): void {
  if (!faultHandler) throw new Error('no wire tap is installed');
  faultHandler(fault, server);
}

/**
 * Reports every call of this process to `emit` until the returned function is
 * called. One tap at a time.
 */
export function installWireTap(emit: (event: WireEvent) => void, options: WireTapOptions = {}): () => void {
  if (installed) throw new Error('a wire tap is already installed');
  installed = true;
  const captureBytes = options.captureBytes ?? CAPTURE_BYTES;
  const preview = options.preview ?? true;
  const callOfHeaders = new WeakMap<object, OpenCall>();
  const watchedChannels = new WeakSet<grpc.Channel>();
  let lastCallId = 0;
  const undo: (() => void)[] = [];
  const since = (call: CallState) => performance.now() - call.startedAt;
  const openCalls = new Map<number, OpenCall>();
  let readingPaused = false;
  /**
   * The message each framed buffer written to a stream was made from. A call
   * that grpc-js retries writes the same buffers again, to the new stream.
   */
  const sentAs = new WeakMap<Buffer, Buffer>();

  /** A fault row on a call; without one, timed from the start of the process. */
  const fault = (kind: FaultKind, detail: string, call?: CallState) =>
    emit({ type: 'fault', call: call?.id, ms: call ? since(call) : performance.now(), fault: kind, detail });

  faultHandler = (kind, server) => {
    const calls = [...openCalls.values()];
    switch (kind) {
      case 'cancel':
        if (calls.length === 0) fault(kind, 'cancel: no call in flight');
        for (const { state, channelCall } of calls) {
          fault(kind, UI_CANCEL_DETAILS, state);
          channelCall.cancelWithStatus(grpc.status.CANCELLED, UI_CANCEL_DETAILS);
        }
        return;
      case 'pause':
      case 'resume': {
        readingPaused = kind === 'pause';
        const detail = readingPaused
          ? "client stopped reading replies: once the HTTP/2 window is full, the server's writes wait"
          : 'client reads replies again';
        if (calls.length === 0) fault(kind, `${detail}: no call in flight yet`);
        for (const { state, reading } of calls) {
          if (readingPaused) reading?.hold();
          else reading?.release();
          fault(kind, detail, state);
        }
        return;
      }
      case 'kill-server': {
        if (server) {
          // One of several backends: only the calls on its connection are hit.
          const on = calls.filter((open) => open.peer !== undefined && peerPort(open.peer) === server.port);
          if (on.length === 0) fault(kind, `server ${server.label} killed (SIGKILL): no call in flight on it`);
          for (const { state } of on)
            fault(kind, `server ${server.label} killed (SIGKILL) while this call was in flight on it`, state);
          return;
        }
        if (calls.length === 0) fault(kind, 'server killed (SIGKILL): no call in flight');
        for (const { state } of calls) fault(kind, 'server killed (SIGKILL) while this call was in flight', state);
        return;
      }
    }
  };
  undo.push(() => (faultHandler = undefined));

  /** A message event: `bytes` as the application sent or received them, the rest as it crossed the wire. */
  const message = (
    open: OpenCall,
    direction: 'client->server' | 'server->client',
    bytes: Buffer,
    prefix: MessagePrefix,
    ms = since(open.state),
  ) => {
    const call = open.state;
    const kept = bytes.length <= captureBytes;
    const encoding = direction === 'client->server' ? open.sendEncoding : open.receiveEncoding;
    emit({
      type: 'message',
      call: call.id,
      ms,
      direction,
      size: bytes.length,
      wireSize: GRPC_MESSAGE_PREFIX_BYTES + prefix.length,
      compressed: prefix.compressed,
      ...(encoding === undefined ? {} : { encoding }),
      ...(preview || !kept ? { preview: decodePreview(bytes, call.method, direction) } : {}),
      ...(kept ? { bytes: bytes.toString('base64') } : {}),
    });
  };
  const headers = (
    call: CallState,
    direction: 'client->server' | 'server->client',
    kind: 'request' | 'response' | 'trailers' | 'trailers-only',
    raw: http2.IncomingHttpHeaders | http2.OutgoingHttpHeaders,
    peer?: string,
    connection?: number,
  ) => {
    emit({
      type: 'headers',
      call: call.id,
      ms: since(call),
      direction,
      kind,
      headers: headerPairs(raw),
      ...(peer === undefined ? {} : { peer }),
      ...(connection === undefined ? {} : { connection }),
    });
  };

  // Connection setup: the first call on an idle channel makes it connect.
  const watchConnectivity = (channel: grpc.Channel, call: CallState) => {
    let state = channel.getConnectivityState(false);
    if (state === grpc.connectivityState.READY || watchedChannels.has(channel)) return;
    watchedChannels.add(channel);
    emit({ type: 'connectivity', call: call.id, ms: since(call), state: grpc.connectivityState[state] });
    const watch = () => {
      try {
        channel.watchConnectivityState(state, Infinity, () => {
          state = channel.getConnectivityState(false);
          emit({ type: 'connectivity', call: call.id, ms: since(call), state: grpc.connectivityState[state] });
          // Report setup until the channel is ready or gives up, not for its whole life.
          if (state === grpc.connectivityState.CONNECTING || state === grpc.connectivityState.IDLE) watch();
          else watchedChannels.delete(channel);
        });
      } catch {
        // The channel was closed meanwhile.
      }
    };
    watch();
  };

  const channelPrototype = grpc.Channel.prototype as unknown as { createCall: CreateCall };
  const createCall = channelPrototype.createCall;
  channelPrototype.createCall = function (
    this: grpc.Channel,
    method: string,
    deadline: grpc.Deadline,
    ...rest: unknown[]
  ) {
    const clamp = options.deadlineMs === undefined ? undefined : clampDeadline(deadline, options.deadlineMs);
    const inner = createCall.call(this, method, clamp?.deadline ?? deadline, ...rest);
    const call: CallState = { id: ++lastCallId, startedAt: performance.now(), method };
    const open: OpenCall = { state: call, channelCall: inner, unsent: [], arrived: [] };
    emit({ type: 'call', call: call.id, method, kind: methodKindOf(method) ?? 'unary', at: Date.now() });
    if (clamp) fault('deadline', clamp.detail, call);
    watchConnectivity(this, call);
    return {
      ...forwardAll(inner),
      // Below every interceptor and above the compression filter: the message
      // as the application sent it. It reaches the stream in the same order.
      sendMessageWithContext(context: object, bytes: Buffer) {
        open.unsent.push(bytes);
        inner.sendMessageWithContext(context, bytes);
      },
      start(metadata: grpc.Metadata, listener: ChannelListener) {
        openCalls.set(call.id, open);
        if (readingPaused) fault('pause', 'client not reading replies (paused from the lesson UI)', call);
        // Mark the metadata so the HTTP/2 request made from it can be found
        // below. grpc-js clones metadata on the way down; clones share options.
        const marked = metadata.clone();
        marked.setOptions({ ...metadata.getOptions(), [CALL_OPTION]: open } as grpc.MetadataOptions);
        inner.start(marked, {
          onReceiveMetadata: (received) => listener.onReceiveMetadata(received),
          // Inflated already, if it came compressed; its prefix was read off the stream.
          onReceiveMessage: (bytes) => {
            const prefix = open.arrived.shift() ?? { compressed: false, length: bytes.length };
            message(open, 'server->client', bytes, prefix);
            listener.onReceiveMessage(bytes);
          },
          onReceiveStatus: (status) => {
            openCalls.delete(call.id);
            const end = open.tls && readByteCounters(open.tls.socket);
            emit({
              type: 'status',
              call: call.id,
              ms: since(call),
              code: status.code,
              codeName: grpc.status[status.code] ?? String(status.code),
              details: status.details,
              ...(open.tls && end ? { tlsBytes: bytesBetween(open.tls.start, end) } : {}),
            });
            listener.onReceiveStatus(status);
          },
        });
      },
    } as ChannelCall;
  };
  undo.push(() => (channelPrototype.createCall = createCall));

  // grpc-js turns the call's metadata into HTTP/2 headers right before it
  // opens the stream; remember which call the headers object belongs to.
  const metadataPrototype = grpc.Metadata.prototype;
  const toHttp2Headers = metadataPrototype.toHttp2Headers;
  metadataPrototype.toHttp2Headers = function (this: grpc.Metadata) {
    const result = toHttp2Headers.call(this);
    const call = (this.getOptions() as Record<symbol, OpenCall | undefined>)[CALL_OPTION];
    if (call) callOfHeaders.set(result, call);
    return result;
  };
  undo.push(() => (metadataPrototype.toHttp2Headers = toHttp2Headers));

  /** Each HTTP/2 session's connection number, and whether its row has gone out. */
  const connections = new WeakMap<http2.ClientHttp2Session, { id: number; reported: boolean }>();
  let lastConnection = 0;
  const connect = http2.connect;
  http2.connect = function (this: unknown, ...args: Parameters<typeof http2.connect>) {
    const session = connect.apply(this, args);
    connections.set(session, { id: ++lastConnection, reported: false });
    const request = session.request;
    session.request = function (
      this: http2.ClientHttp2Session,
      requestHeaders?: http2.OutgoingHttpHeaders,
      ...more: unknown[]
    ) {
      const stream = (request as (...all: unknown[]) => http2.ClientHttp2Stream).call(this, requestHeaders, ...more);
      const open = requestHeaders && callOfHeaders.get(requestHeaders);
      if (open) {
        const call = open.state;
        open.reading = readingControl(stream);
        if (readingPaused) open.reading.hold();
        // The connection a channel's load-balancing policy picked for this call.
        open.peer = peerOf(this);
        const connection = connections.get(this);
        // By now the handshake is over: grpc-js makes the session on a connected socket.
        const socket = this.socket as unknown;
        if (isTlsSocket(socket)) {
          const start = readByteCounters(socket);
          if (start) open.tls = { socket, start };
        }
        if (connection && !connection.reported) {
          connection.reported = true;
          emit({
            type: 'transport',
            call: call.id,
            ms: since(call),
            connection: connection.id,
            peer: open.peer,
            ...(isTlsSocket(socket) ? { tls: clientTlsSummary(socket) } : {}),
          });
        }
        headers(call, 'client->server', 'request', requestHeaders, open.peer, connection?.id);
        open.sendEncoding = headerValue(requestHeaders['grpc-encoding']);
        // What the client sends is reported when it goes into the HTTP/2
        // stream, not when the application writes it: a message written
        // before the connection is up waits in grpc-js until then.
        const write = stream.write;
        stream.write = function (this: http2.ClientHttp2Stream, chunk: unknown, ...more: unknown[]) {
          // One write per message: a 5-byte prefix (compressed flag, length),
          // then the protobuf bytes, compressed if the flag says so.
          if (!Buffer.isBuffer(chunk) || chunk.length < GRPC_MESSAGE_PREFIX_BYTES)
            return (write as (...all: unknown[]) => boolean).call(this, chunk, ...more);
          const ms = since(call);
          let sent = sentAs.get(chunk);
          if (!sent) {
            sent = open.unsent.shift();
            if (sent) sentAs.set(chunk, sent);
          }
          // The row is made once the bytes are on their way, so decoding it never holds them up.
          const written = (write as (...all: unknown[]) => boolean).call(this, chunk, ...more);
          const compressed = chunk[0] === 1;
          const payload = chunk.subarray(GRPC_MESSAGE_PREFIX_BYTES);
          const prefix = { compressed, length: payload.length };
          message(open, 'client->server', compressed ? (sent ?? payload) : payload, prefix, ms);
          return written;
        } as typeof stream.write;
        // The prefixes of what arrives, read before grpc-js reads the same bytes.
        stream.prependListener(
          'data',
          prefixReader((prefix) => open.arrived.push(prefix)),
        );
        const end = stream.end;
        stream.end = function (this: http2.ClientHttp2Stream, ...more: unknown[]) {
          emit({ type: 'half-close', call: call.id, ms: since(call) });
          return (end as (...all: unknown[]) => http2.ClientHttp2Stream).apply(this, more);
        } as typeof stream.end;
        stream.on('response', (response) => {
          open.receiveEncoding = headerValue(response['grpc-encoding']);
          headers(call, 'server->client', 'grpc-status' in response ? 'trailers-only' : 'response', response);
        });
        stream.on('trailers', (trailers) => headers(call, 'server->client', 'trailers', trailers));
      }
      return stream;
    };
    return session;
  } as typeof http2.connect;
  undo.push(() => (http2.connect = connect));

  return () => {
    for (const step of undo.reverse()) step();
    installed = false;
  };
}

/**
 * The deadline a call gets with one from the UI `deadlineMs` from now, and the
 * row that says which applies: the UI's, or the lesson's own when it is sooner.
 */
function clampDeadline(deadline: grpc.Deadline, deadlineMs: number): { deadline?: number; detail: string } {
  const now = Date.now();
  const lesson = deadline instanceof Date ? deadline.getTime() : deadline;
  const lessonText = Number.isFinite(lesson) ? `${Math.round(lesson - now)} ms` : 'none';
  if (lesson <= now + deadlineMs)
    return {
      detail: `deadline ${deadlineMs} ms from the lesson UI; the lesson's own (${lessonText}) is sooner and stays`,
    };
  return {
    deadline: now + deadlineMs,
    detail: `deadline ${deadlineMs} ms from the lesson UI (the lesson's own: ${lessonText})`,
  };
}

/** Holding a stream's reading from outside, while grpc-js pauses and resumes it on its own. */
export interface ReadingControl {
  hold(): void;
  release(): void;
}

/**
 * grpc-js pauses the HTTP/2 stream after each message it takes and resumes it
 * when the application reads on. A paused stream stops taking DATA, so HTTP/2
 * sends no more WINDOW_UPDATEs and the server's writes back up. While held,
 * grpc-js's own resume() waits; release() does what grpc-js last asked for.
 */
export function readingControl(stream: Pick<Readable, 'pause' | 'resume'>): ReadingControl {
  const pause = stream.pause;
  const resume = stream.resume;
  let held = false;
  // A new stream flows as soon as grpc-js listens for 'data'.
  let flowingWanted = true;
  stream.pause = function (this: Readable) {
    flowingWanted = false;
    return pause.call(this);
  };
  stream.resume = function (this: Readable) {
    flowingWanted = true;
    return held ? this : resume.call(this);
  };
  return {
    hold() {
      held = true;
      pause.call(stream);
    },
    release() {
      held = false;
      if (flowingWanted) resume.call(stream);
    },
  };
}

/** Every method of `inner`, bound to it: the wrapper overrides a few and passes the rest on. */
function forwardAll(inner: object): Record<string, unknown> {
  const forwarded: Record<string, unknown> = {};
  for (let proto = inner; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (inner as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof value === 'function' && !(name in forwarded))
        forwarded[name] = value.bind(inner);
    }
  }
  return forwarded;
}

/**
 * Reads the 5-byte prefixes out of a gRPC body as it arrives, in chunks that
 * may cut a prefix or a message anywhere; the messages themselves are skipped.
 */
export function prefixReader(onPrefix: (prefix: MessagePrefix) => void): (chunk: Buffer) => void {
  const prefix = Buffer.alloc(GRPC_MESSAGE_PREFIX_BYTES);
  let filled = 0;
  /** Bytes of the current message still to come. */
  let remaining = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (remaining > 0) {
        const skipped = Math.min(remaining, chunk.length - at);
        remaining -= skipped;
        at += skipped;
        continue;
      }
      const copied = chunk.copy(prefix, filled, at, at + GRPC_MESSAGE_PREFIX_BYTES - filled);
      filled += copied;
      at += copied;
      if (filled === GRPC_MESSAGE_PREFIX_BYTES) {
        filled = 0;
        remaining = prefix.readUInt32BE(1);
        onPrefix({ compressed: prefix[0] === 1, length: remaining });
      }
    }
  };
}

/** The address at the other end of an HTTP/2 session's socket; a unix socket has none to give. */
function peerOf(session: http2.Http2Session): string {
  const { remoteAddress, remotePort } = session.socket ?? {};
  return remoteAddress && remotePort ? formatAddress(remoteAddress, remotePort) : UNIX_SOCKET_PEER;
}

function headerValue(value: string | string[] | number | undefined): string | undefined {
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/**
 * Header names and values in wire order (HTTP/2 sends the ":" pseudo-headers
 * first); binary (-bin) values in base64, as on the wire.
 */
function headerPairs(raw: http2.IncomingHttpHeaders | http2.OutgoingHttpHeaders): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, String(one)]);
  }
  return [...pairs.filter(([name]) => name.startsWith(':')), ...pairs.filter(([name]) => !name.startsWith(':'))];
}

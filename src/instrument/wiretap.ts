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
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { CAPTURE_BYTES, GRPC_MESSAGE_PREFIX_BYTES, type HeaderPair, type WireEvent } from './events.js';
import { messagePreview } from './decode.js';
import { methodKindOf } from './wire-format.js';

export interface WireTapOptions {
  /** Messages up to this many bytes are reported with their bytes (base64), for the wire view. */
  captureBytes?: number;
  /**
   * Add a JSON preview to every message. A consumer that decodes the bytes
   * itself (the UI, lazily, for the rows it shows) turns this off and saves
   * the process the work.
   */
  preview?: boolean;
}

interface CallState {
  id: number;
  startedAt: number;
  method: string;
}

/** The call-level object grpc-js's channel returns from createCall (not exported as a type). */
interface ChannelCall {
  start(metadata: grpc.Metadata, listener: ChannelListener): void;
}
interface ChannelListener {
  onReceiveMetadata(metadata: grpc.Metadata): void;
  onReceiveMessage(message: Buffer): void;
  onReceiveStatus(status: grpc.StatusObject): void;
}
type CreateCall = (this: grpc.Channel, method: string, ...rest: unknown[]) => ChannelCall;

const CALL_OPTION = Symbol('wire-tap call');

let installed = false;

/**
 * Reports every call of this process to `emit` until the returned function is
 * called. One tap at a time.
 */
export function installWireTap(emit: (event: WireEvent) => void, options: WireTapOptions = {}): () => void {
  if (installed) throw new Error('a wire tap is already installed');
  installed = true;
  const captureBytes = options.captureBytes ?? CAPTURE_BYTES;
  const preview = options.preview ?? true;
  const callOfHeaders = new WeakMap<object, CallState>();
  const watchedChannels = new WeakSet<grpc.Channel>();
  let lastCallId = 0;
  const undo: (() => void)[] = [];
  const since = (call: CallState) => performance.now() - call.startedAt;

  const message = (call: CallState, direction: 'client->server' | 'server->client', bytes: Buffer) => {
    const event: WireEvent = {
      type: 'message',
      call: call.id,
      ms: since(call),
      direction,
      size: bytes.length,
      bytes: bytes.length <= captureBytes ? bytes.toString('base64') : undefined,
    };
    emit(preview ? { ...event, preview: messagePreview(event, call.method) } : event);
  };
  const headers = (
    call: CallState,
    direction: 'client->server' | 'server->client',
    kind: 'request' | 'response' | 'trailers' | 'trailers-only',
    raw: http2.IncomingHttpHeaders | http2.OutgoingHttpHeaders,
  ) => {
    emit({ type: 'headers', call: call.id, ms: since(call), direction, kind, headers: headerPairs(raw) });
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
  channelPrototype.createCall = function (this: grpc.Channel, method: string, ...rest: unknown[]) {
    const inner = createCall.call(this, method, ...rest);
    const call: CallState = { id: ++lastCallId, startedAt: performance.now(), method };
    emit({ type: 'call', call: call.id, method, kind: methodKindOf(method) ?? 'unary', at: Date.now() });
    watchConnectivity(this, call);
    return {
      ...forwardAll(inner),
      start(metadata: grpc.Metadata, listener: ChannelListener) {
        // Mark the metadata so the HTTP/2 request made from it can be found
        // below. grpc-js clones metadata on the way down; clones share options.
        const marked = metadata.clone();
        marked.setOptions({ ...metadata.getOptions(), [CALL_OPTION]: call } as grpc.MetadataOptions);
        inner.start(marked, {
          onReceiveMetadata: (received) => listener.onReceiveMetadata(received),
          onReceiveMessage: (bytes) => {
            message(call, 'server->client', bytes);
            listener.onReceiveMessage(bytes);
          },
          onReceiveStatus: (status) => {
            emit({
              type: 'status',
              call: call.id,
              ms: since(call),
              code: status.code,
              codeName: grpc.status[status.code] ?? String(status.code),
              details: status.details,
            });
            listener.onReceiveStatus(status);
          },
        });
      },
    };
  };
  undo.push(() => (channelPrototype.createCall = createCall));

  // grpc-js turns the call's metadata into HTTP/2 headers right before it
  // opens the stream; remember which call the headers object belongs to.
  const metadataPrototype = grpc.Metadata.prototype;
  const toHttp2Headers = metadataPrototype.toHttp2Headers;
  metadataPrototype.toHttp2Headers = function (this: grpc.Metadata) {
    const result = toHttp2Headers.call(this);
    const call = (this.getOptions() as Record<symbol, CallState | undefined>)[CALL_OPTION];
    if (call) callOfHeaders.set(result, call);
    return result;
  };
  undo.push(() => (metadataPrototype.toHttp2Headers = toHttp2Headers));

  const connect = http2.connect;
  http2.connect = function (this: unknown, ...args: Parameters<typeof http2.connect>) {
    const session = connect.apply(this, args);
    const request = session.request;
    session.request = function (
      this: http2.ClientHttp2Session,
      requestHeaders?: http2.OutgoingHttpHeaders,
      ...more: unknown[]
    ) {
      const stream = (request as (...all: unknown[]) => http2.ClientHttp2Stream).call(this, requestHeaders, ...more);
      const call = requestHeaders && callOfHeaders.get(requestHeaders);
      if (call) {
        headers(call, 'client->server', 'request', requestHeaders);
        // What the client sends is reported when it goes into the HTTP/2
        // stream, not when the application writes it: a message written
        // before the connection is up waits in grpc-js until then.
        const write = stream.write;
        stream.write = function (this: http2.ClientHttp2Stream, chunk: unknown, ...more: unknown[]) {
          // One write per message: a 5-byte prefix (compressed flag, length), then the protobuf bytes.
          if (Buffer.isBuffer(chunk) && chunk.length >= GRPC_MESSAGE_PREFIX_BYTES)
            message(call, 'client->server', chunk.subarray(GRPC_MESSAGE_PREFIX_BYTES));
          return (write as (...all: unknown[]) => boolean).call(this, chunk, ...more);
        } as typeof stream.write;
        const end = stream.end;
        stream.end = function (this: http2.ClientHttp2Stream, ...more: unknown[]) {
          emit({ type: 'half-close', call: call.id, ms: since(call) });
          return (end as (...all: unknown[]) => http2.ClientHttp2Stream).apply(this, more);
        } as typeof stream.end;
        stream.on('response', (response) =>
          headers(call, 'server->client', 'grpc-status' in response ? 'trailers-only' : 'response', response),
        );
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

// Watches every message a client sends and receives, from outside the lesson
// code: it wraps the encode/decode functions of the package definition (so the
// bytes it reports are the bytes grpc-js really put on the wire) and adds a
// client interceptor to every client constructor (so it sees when calls start,
// half-close and end, in the order they happen).
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import type { PackageInstrument } from '../proto.js';
import { CAPTURE_BYTES, rpcKindOf, type WireEvent } from './events.js';
import { previewText } from './decode.js';

export interface WireTapOptions {
  /** Messages up to this many bytes are reported with their bytes (base64), for the wire view. */
  captureBytes?: number;
  /**
   * Add a JSON preview to messages whose bytes are kept too. A consumer that
   * can decode the bytes itself (the UI, lazily, for the rows it shows) turns
   * this off and saves the client the work.
   */
  previewCaptured?: boolean;
}

interface CallState {
  id: number;
  startedAt: number;
}

type AnyMethod = MethodDefinition<object, object>;

export function createWireTap(emit: (event: WireEvent) => void, options: WireTapOptions = {}): PackageInstrument {
  const captureBytes = options.captureBytes ?? CAPTURE_BYTES;
  const previewCaptured = options.previewCaptured ?? true;
  const callOfMessage = new WeakMap<object, CallState>();
  const bytesOfMessage = new WeakMap<object, Buffer>();
  let lastCallId = 0;

  const messageEvent = (call: CallState, direction: 'client->server' | 'server->client', message: object, bytes: Buffer | undefined): WireEvent => {
    const kept = bytes !== undefined && bytes.length <= captureBytes;
    return {
      type: 'message',
      call: call.id,
      ms: performance.now() - call.startedAt,
      direction,
      size: bytes?.length ?? 0,
      preview: kept && !previewCaptured ? undefined : previewText(message),
      bytes: kept ? bytes.toString('base64') : undefined,
    };
  };

  const tapMethod = (method: AnyMethod): AnyMethod => ({
    ...method,
    requestSerialize(message: object) {
      const bytes = method.requestSerialize(message);
      const call = callOfMessage.get(message);
      if (call) emit(messageEvent(call, 'client->server', message, bytes));
      return bytes;
    },
    responseDeserialize(bytes: Buffer) {
      const message = method.responseDeserialize(bytes);
      bytesOfMessage.set(message, bytes);
      return message;
    },
  });

  const interceptor: grpc.Interceptor = (callOptions, nextCall) => {
    const method = callOptions.method_definition;
    const call: CallState = { id: ++lastCallId, startedAt: performance.now() };
    emit({ type: 'call', call: call.id, method: method.path, kind: rpcKindOf(method), at: Date.now() });
    return new grpc.InterceptingCall(nextCall(callOptions), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveMessage(message: object, nextMessage) {
            emit(messageEvent(call, 'server->client', message, bytesOfMessage.get(message)));
            nextMessage(message);
          },
          onReceiveStatus(status, nextStatus) {
            emit({
              type: 'status',
              call: call.id,
              ms: performance.now() - call.startedAt,
              code: status.code,
              codeName: grpc.status[status.code] ?? String(status.code),
              details: status.details,
            });
            nextStatus(status);
          },
        });
      },
      sendMessage(message: object, next) {
        callOfMessage.set(message, call);
        next(message);
      },
      halfClose(next) {
        emit({ type: 'half-close', call: call.id, ms: performance.now() - call.startedAt });
        next();
      },
    });
  };

  return {
    load(definition: PackageDefinition) {
      const tapped: PackageDefinition = {};
      for (const [name, entry] of Object.entries(definition)) {
        tapped[name] = 'format' in entry ? entry : mapMethods(entry as Record<string, AnyMethod>, tapMethod);
      }
      const grpcObject = grpc.loadPackageDefinition(tapped);
      addInterceptor(grpcObject, interceptor);
      return grpcObject;
    },
  };
}

function mapMethods(service: Record<string, AnyMethod>, map: (method: AnyMethod) => AnyMethod) {
  return Object.fromEntries(Object.entries(service).map(([name, method]) => [name, map(method)]));
}

/** Replaces each client constructor in the object with one that always adds `interceptor`. */
function addInterceptor(grpcObject: grpc.GrpcObject, interceptor: grpc.Interceptor): void {
  for (const [name, value] of Object.entries(grpcObject)) {
    if (typeof value === 'function' && 'service' in value) {
      const Base = value as grpc.ServiceClientConstructor;
      grpcObject[name] = class extends Base {
        constructor(address: string, credentials: grpc.ChannelCredentials, options: grpc.ClientOptions = {}) {
          super(address, credentials, { ...options, interceptors: [...(options.interceptors ?? []), interceptor] });
        }
      };
    } else if (typeof value === 'object' && value !== null && !('format' in value)) {
      addInterceptor(value as grpc.GrpcObject, interceptor);
    }
  }
}

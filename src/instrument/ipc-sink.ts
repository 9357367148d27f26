// The messages a lesson process sends its parent (the lesson UI, a transcript,
// the bench, the tests) over the IPC channel, and the sender of wire events.
//
// Wire events go in batches, at most one a frame
// (or when a batch is full): one IPC message per message on the wire would
// cost more than the call it describes. Message events, the bulk of any
// stream, travel as short tuples.
import type { MessageEvent, WireEvent } from './events.js';

type MessageTuple = [
  call: number,
  ms: number,
  toServer: 0 | 1,
  size: number,
  bytes: string | null,
  preview: string | null,
];
type EncodedEvent = Exclude<WireEvent, MessageEvent> | MessageTuple;

export interface EventBatch {
  type: 'wire';
  events: EncodedEvent[];
}

function encode(event: WireEvent): EncodedEvent {
  if (event.type !== 'message') return event;
  return [
    event.call,
    Math.round(event.ms * 100) / 100,
    event.direction === 'client->server' ? 1 : 0,
    event.size,
    event.bytes ?? null,
    event.preview ?? null,
  ];
}

/** A lesson server has bound a port: its gRPC server, or (lesson 05) its REST endpoint. */
export interface ListeningMessage {
  type: 'listening';
  protocol: 'grpc' | 'http';
  port: number;
}

export type ChildMessage = ListeningMessage | EventBatch;

export function isListeningMessage(message: unknown): message is ListeningMessage {
  const listening = message as ListeningMessage | null;
  return (
    typeof listening === 'object' &&
    listening !== null &&
    listening.type === 'listening' &&
    typeof listening.port === 'number'
  );
}

export function decodeBatch(batch: EventBatch): WireEvent[] {
  return batch.events.map((event) => {
    if (!Array.isArray(event)) return event;
    const [call, ms, toServer, size, bytes, preview] = event;
    return {
      type: 'message',
      call,
      ms,
      direction: toServer ? 'client->server' : 'server->client',
      size,
      bytes: bytes ?? undefined,
      preview: preview ?? undefined,
    };
  });
}

export function isEventBatch(message: unknown): message is EventBatch {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as EventBatch).type === 'wire' &&
    Array.isArray((message as EventBatch).events)
  );
}

export function createIpcSink(
  maxBatch = 2_048,
  intervalMs = 16,
): { emit(event: WireEvent): void; flush(): Promise<void> } {
  let pending: EncodedEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || !process.send) return inFlight;
    const batch: EventBatch = { type: 'wire', events: pending };
    pending = [];
    inFlight = new Promise((resolve) => process.send!(batch, undefined, undefined, () => resolve()));
    return inFlight;
  };

  return {
    emit(event) {
      pending.push(encode(event));
      if (pending.length >= maxBatch) void flush();
      else timer ??= setTimeout(flush, intervalMs);
    },
    flush,
  };
}

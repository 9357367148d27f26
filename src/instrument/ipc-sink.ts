// The messages a lesson process sends its parent (the lesson UI, a transcript,
// the bench, the tests) over the IPC channel, the sender of wire events, and
// the one message a parent sends a lesson client: a fault to apply to its calls.
//
// Wire events go in batches, at most one a frame
// (or when a batch is full): one IPC message per message on the wire would
// cost more than the call it describes. Message events, the bulk of any
// stream, travel as short tuples.
import type { FaultKind, MessageEvent, WireEvent } from './events.js';

type MessageTuple = [
  call: number,
  ms: number,
  toServer: 0 | 1,
  size: number,
  bytes: string | null,
  preview: string | null,
  wireSize: number,
  compressed: 0 | 1,
  encoding: string | null,
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
    event.wireSize,
    event.compressed ? 1 : 0,
    event.encoding ?? null,
  ];
}

/** A lesson server has bound a port: its gRPC server, or (lesson 05) its REST endpoint. */
export interface ListeningMessage {
  type: 'listening';
  protocol: 'grpc' | 'http';
  port: number;
}

/**
 * The faults a parent asks a lesson client to apply to the calls it has in
 * flight. 'kill-server' changes nothing in the client: it marks its calls at
 * the moment the parent kills the server, so the timeline shows when it did.
 */
export type ClientFault = Exclude<FaultKind, 'deadline'>;

/** The environment variable in which a parent gives a lesson client a deadline (ms) for each of its calls. */
export const DEADLINE_ENV = 'GRPC_TUTORIAL_DEADLINE_MS';

/** Which of a lesson's several servers a 'kill-server' fault is about: its label and the port it listened on. */
export interface KilledServer {
  label: string;
  port?: number;
}

/** Parent to client: apply a fault now. */
export interface FaultMessage {
  type: 'fault';
  fault: ClientFault;
  /** For 'kill-server' in a lesson with several servers: the one killed (only calls on it are hit). */
  server?: KilledServer;
}

/** Client to parent: the fault is applied and its timeline rows are sent (they arrive before this). */
export interface FaultAppliedMessage {
  type: 'fault-applied';
  fault: ClientFault;
}

export type ChildMessage = ListeningMessage | EventBatch | FaultAppliedMessage;
export type ParentMessage = FaultMessage;

const CLIENT_FAULTS: readonly string[] = ['cancel', 'pause', 'resume', 'kill-server'] satisfies ClientFault[];

export function isFaultMessage(message: unknown): message is FaultMessage {
  const fault = message as FaultMessage | null;
  return typeof fault === 'object' && fault !== null && fault.type === 'fault' && CLIENT_FAULTS.includes(fault.fault);
}

export function isFaultAppliedMessage(message: unknown): message is FaultAppliedMessage {
  const applied = message as FaultAppliedMessage | null;
  return typeof applied === 'object' && applied !== null && applied.type === 'fault-applied';
}

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
    const [call, ms, toServer, size, bytes, preview, wireSize, compressed, encoding] = event;
    return {
      type: 'message',
      call,
      ms,
      direction: toServer ? 'client->server' : 'server->client',
      size,
      wireSize,
      compressed: compressed === 1,
      encoding: encoding ?? undefined,
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

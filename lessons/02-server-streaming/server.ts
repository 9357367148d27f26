// Server streaming: one request in, many replies out, then a status.
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

const { rpc_package } = loadHelloWorld();
const DEFAULT_REPLY_COUNT = 3;
const MAX_REPLY_COUNT = 1_000_000;

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const { name, reply_count, interval_ms } = call.request;
  // Unset numbers arrive as 0, so 0 has to mean "the default".
  const count = reply_count > 0 ? reply_count : DEFAULT_REPLY_COUNT;
  if (count > MAX_REPLY_COUNT || interval_ms < 0) {
    // A streaming handler reports failure by emitting an 'error' carrying a status code.
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `reply_count must be 1..${MAX_REPLY_COUNT} and interval_ms >= 0` });
    return;
  }

  for (let sequence = 1; sequence <= count; sequence++) {
    // The client may cancel, or its deadline may pass: stop producing for nobody.
    if (call.cancelled) return;
    const ok = call.write({ message: `Hello, ${name || 'world'}! (${sequence} of ${count})`, sequence });
    // write() returns false when the HTTP/2 flow-control window is full. Waiting
    // for 'drain' keeps a slow client from making the server buffer without bound.
    if (!ok) await drained(call);
    if (interval_ms > 0 && sequence < count) await sleep(interval_ms);
  }
  // end() sends the OK status: it tells the client that no more replies will come.
  if (!call.cancelled) call.end();
};

// Resolves once the stream can take more, or once the call is cancelled (a
// cancelled call never drains, and a loop waiting for it would hang).
function drained(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done).off('cancelled', done);
      resolve();
    };
    call.on('drain', done).on('cancelled', done);
  });
}

export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { LotsOfReplies: lotsOfReplies });
  return server;
}

// Bidirectional streaming: both sides read and write whenever they like on one
// call. The two streams are independent; this server answers each request at
// once, so replies interleave with requests.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

const { rpc_package } = loadHelloWorld();

const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
  let sequence = 0;
  // Reply as soon as a request arrives, not after the client half-closes:
  // a client that waits for each answer before its next question would
  // otherwise wait forever.
  call.on('data', (request) => {
    sequence += 1;
    call.write({ message: `Hello, ${request.name || 'world'}!`, sequence });
  });
  // The client half-closed: finish our side too, which sends the OK status.
  call.on('end', () => call.end());
};

export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { BidiHello: bidiHello });
  return server;
}

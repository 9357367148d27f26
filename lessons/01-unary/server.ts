// Step 2 of the seed's three: the server. It implements the methods the
// .proto declares; grpc-js does the rest (HTTP/2, framing, encoding, status).
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// Loading the contract gives the service definition: for each method its path
// (/rpc_package.HelloWorldService/SayHello) and how to encode and decode its messages.
const { rpc_package } = loadHelloWorld();

// A unary handler gets the decoded request and answers exactly once through the
// callback. The generated handler type checks the request and reply shapes.
const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const { name } = call.request;
  // proto3 has no "required": an unset string arrives as ''. Validating is the
  // server's job, and a status code (not an HTTP code) is how it says no.
  if (name.trim() === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  callback(null, { message: `Hello, ${name}!` });
};

/** A server with this lesson's service on it; the caller binds it to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  // Methods left out (the streaming ones, for now) answer UNIMPLEMENTED.
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

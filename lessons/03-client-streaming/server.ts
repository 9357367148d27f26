// Client streaming: many requests in, one reply out, after the client is done.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

const { rpc_package } = loadHelloWorld();

const lotsOfGreetings: HelloWorldServiceHandlers['LotsOfGreetings'] = (call, callback) => {
  const names: string[] = [];
  // Requests arrive one 'data' event at a time, as the client writes them.
  call.on('data', (request) => {
    names.push(request.name || 'someone');
  });
  // 'end' fires when the client half-closes: it will send nothing more, though
  // it is still waiting for our answer. Only now can the one reply be built.
  call.on('end', () => {
    callback(null, { message: `Hello, ${joinNames(names)}!` });
  });
};

function joinNames(names: string[]): string {
  if (names.length === 0) return 'nobody';
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { LotsOfGreetings: lotsOfGreetings });
  return server;
}

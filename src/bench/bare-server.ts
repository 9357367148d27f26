// Benchmark baseline: SayHello and LotsOfReplies on a plain grpc-js server
// (bare-hello.ts), in a process of its own.
import * as grpc from '@grpc/grpc-js';
import { bareHelloServer } from './bare-hello.js';

const server = bareHelloServer();
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`bare server listening on 127.0.0.1:${port}`);
  // The same message a lesson server's preload sends its parent.
  process.send?.({ type: 'listening', protocol: 'grpc', port });
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));

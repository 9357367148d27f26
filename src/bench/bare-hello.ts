// The benchmarks' baseline service: SayHello and LotsOfReplies on plain
// grpc-js, with none of the tutorial's instrumentation (no call logging, no
// loader hooks). bare-server.ts serves it in a process of its own; the TLS
// measurement serves it twice, with and without TLS.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HELLOWORLD_PROTO, LOAD_OPTIONS } from '../proto.js';

const definition = grpc.loadPackageDefinition(protoLoader.loadSync(HELLOWORLD_PROTO, LOAD_OPTIONS));
const service = (definition.rpc_package as grpc.GrpcObject).HelloWorldService as grpc.ServiceClientConstructor;

/** A server with the baseline HelloWorldService on it, not yet bound. */
export function bareHelloServer(): grpc.Server {
  const server = new grpc.Server();
  server.addService(service.service, {
    SayHello(call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      callback(null, { message: `Hello, ${call.request.name}!` });
    },
    async LotsOfReplies(call: grpc.ServerWritableStream<{ name: string; reply_count: number }, unknown>) {
      const count = call.request.reply_count || 3;
      for (let sequence = 1; sequence <= count && !call.cancelled; sequence++) {
        if (!call.write({ message: `Hello, ${call.request.name}! (${sequence} of ${count})`, sequence })) {
          // A cancelled call never drains: wait for whichever comes first.
          await new Promise<void>((resolve) => {
            const done = () => {
              call.off('drain', done).off('cancelled', done);
              resolve();
            };
            call.on('drain', done).on('cancelled', done);
          });
        }
      }
      if (!call.cancelled) call.end();
    },
  });
  return server;
}

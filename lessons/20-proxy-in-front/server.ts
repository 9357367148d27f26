// One backend behind a proxy. It serves the article's HelloWorldService as
// lesson 01's server does, and says in every reply which backend answered,
// so that the calls can be counted per backend. It knows nothing of the
// proxy: a backend behind nginx is an ordinary gRPC server. What changes is
// who connects to it: nginx, not the client. Its reply also says what it saw
// of the caller (the peer and `:authority`), to show what a proxy hides.
//   npx tsx lessons/20-proxy-in-front/server.ts [--host H] [--port P] [--name N]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The article's contract, loaded as in lesson 01: every backend serves the
// same service, which is what makes them interchangeable behind one address.
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

function sayHelloAs(backend: string): HelloWorldServiceHandlers['SayHello'] {
  return (call, callback) => {
    const { name } = call.request;
    if (name.trim() === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `name must not be empty (backend ${backend})` });
      return;
    }
    // Behind a proxy the peer is the proxy's own connection, not the client:
    // a backend that needs the client's address reads a header the proxy
    // adds (nginx: grpc_set_header x-forwarded-for $remote_addr). The
    // :authority is what the last HTTP/2 hop wrote: nginx's L7 proxy writes
    // the upstream's name, an L4 proxy passes on the client's own.
    const forwardedFor = call.metadata.get('x-forwarded-for')[0] ?? 'none';
    const seen = new grpc.Metadata();
    // Behind a proxy the client cannot tell which backend answered: say it,
    // so a slow or failing reply can be traced to the backend that sent it.
    seen.set('x-backend', backend);
    seen.set('x-seen-peer', call.getPeer());
    seen.set('x-seen-authority', String(call.metadata.get(':authority')[0] ?? call.getHost()));
    seen.set('x-seen-forwarded-for', String(forwardedFor));
    call.sendMetadata(seen);
    callback(null, { message: `Hello, ${name}! (from backend ${backend})` });
  };
}

/** A server with this lesson's service on it, answering as `backend`, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, backend = 'a'): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloAs(backend) });
  return server;
}

function main(): void {
  const { host, port, name } = serverFlags();
  const server = createServer(undefined, name);
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort} as backend ${name}`);
  });
  // Graceful shutdown, as in lesson 01. Behind nginx, a backend that closes
  // its connections makes nginx try the next one for new calls.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
}

function serverFlags(): { host: string; port: number; name: string } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        name: { type: 'string', default: 'a' },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    return { host: values.host, port, name: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

// Exercise: answer SendReport over gRPC as the REST endpoint answers it
// (lesson 05, exercise 1). Your copy is exercises/05-grpc-vs-rest/server.ts;
// `npm run verify -- 5 --exercise 1` runs it and sends the same reports both
// ways. `npm run exercise -- hint 5 --exercise 1` gives a hint. The rest of the
// file already works: it is lesson 05's server, REST side included.
//   npx tsx exercises/05-grpc-vs-rest/server.ts [--host H] [--port P] [--rest-port R]
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as HelloProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as ReportProto } from '../../src/generated/report.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { ReportServiceHandlers } from '../../src/generated/rpc_package/ReportService.js';

// Two contracts this time: the greeting of lessons 01-04 and a report of
// readings (protos/report.proto). One loadSync call can parse both files.
const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'report.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloProto & ReportProto;

/** The largest body either protocol accepts: grpc-js's default limit for a received message. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_REPLY_COUNT = 1_000_000;

interface Summary {
  message: string;
  readings: number;
  mean: number;
}

// The work is the same for both protocols; only the envelope differs.
function greet(name: string): string {
  return `Hello, ${name}!`;
}

function summarize(name: string, values: number[]): Summary {
  const mean = values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
  return { message: `Thanks, ${name}`, readings: values.length, mean };
}

// ---- gRPC: the contract decides what a request can contain. ----

const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  if (call.request.name === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  callback(null, { message: greet(call.request.name) });
};

// Lesson 02's stream, without the pauses: the comparison wants raw speed.
const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const count = call.request.reply_count || 3;
  // The same limit as lesson 02: a request must not buy unbounded work.
  if (count > MAX_REPLY_COUNT) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `reply_count must be 1..${MAX_REPLY_COUNT}` });
    return;
  }
  for (let sequence = 1; sequence <= count && !call.cancelled; sequence++) {
    // Flow control, as in lesson 02: when write() returns false, wait for
    // 'drain' (or the cancel that means no drain will come).
    if (!call.write({ message: greet(call.request.name), sequence })) {
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
};

const sendReport: ReportServiceHandlers['SendReport'] = (call, callback) => {
  // TODO: answer with the same summary as POST /v1/reports below: the work is
  // the same, only the envelope differs. Here the request is no JSON to parse
  // and trust: grpc-js hands over a Report already decoded by the contract
  // (protos/report.proto), its repeated readings as a list of objects.
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'SendReport is not written yet' });
};

/** The gRPC side, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello, LotsOfReplies: lotsOfReplies });
  server.addService(rpc_package.ReportService.service, { SendReport: sendReport });
  return server;
}

// ---- REST: whatever JSON parses reaches the handler. ----
// This is a typical small JSON endpoint: it trusts the body's shape. Checking
// it (types, required fields, unknown fields) is code you write yourself, or a
// schema validator you add; nothing in HTTP or JSON does it for you. Even the
// limits gRPC has built in (the 4 MiB message cap) are yours to write.

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  // A chunked body has no declared length: count as it arrives, stop at the cap.
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

const ROUTES: Record<string, (body: unknown) => unknown> = {
  '/v1/hello': (body) => ({ message: greet((body as { name: string }).name) }),
  '/v1/reports': (body) => {
    const { name, readings } = body as { name: string; readings: { value: number }[] };
    return summarize(
      name,
      readings.map((reading) => reading.value),
    );
  },
};

/** The REST side, not yet listening. */
export function createRestServer(): HttpServer {
  return createHttpServer({ keepAlive: true }, async (request, response) => {
    const send = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      response.end(json);
    };
    const route = ROUTES[request.url ?? ''];
    if (!route) return send(404, { error: `no route for ${request.url}` });
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return send(405, { error: `${request.method} not allowed; use POST` });
    }
    try {
      send(200, route(await readJson(request)));
    } catch (error) {
      // Never send internal error text to a client: it tells an attacker about the code.
      if (error instanceof HttpError) {
        response.setHeader('connection', 'close');
        send(error.status, { error: error.message });
      } else {
        send(400, { error: 'the body does not have the expected shape' });
      }
    }
  });
}

function main(): void {
  const { host, port, restPort } = serverFlags();
  const server = createServer();
  const rest = createRestServer();
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort} (gRPC)`);
    // The REST port defaults to the one after gRPC's (a free one if gRPC's was 0).
    const wanted = restPort ?? (port === 0 ? 0 : boundPort + 1);
    rest.once('error', (listenError) => {
      console.error(`error: cannot listen on ${host}:${wanted}: ${listenError.message}`);
      process.exit(1);
    });
    rest.listen(wanted, host, () => {
      const address = rest.address();
      console.log(
        `listening on ${host}:${typeof address === 'object' && address ? address.port : wanted} (REST, JSON over HTTP/1.1)`,
      );
    });
  });
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    rest.closeAllConnections();
    rest.close();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

function serverFlags(): { host: string; port: number; restPort?: number } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        'rest-port': { type: 'string' },
      },
    });
    const port = portNumber('--port', values.port);
    const restPort = values['rest-port'] === undefined ? undefined : portNumber('--rest-port', values['rest-port']);
    if (restPort === undefined && port === 65_535)
      throw new Error('--port 65535 leaves no port for REST; pass --rest-port');
    return { host: values.host, port, restPort };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

function portNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535)
    throw new Error(`${flag} must be a number from 0 to 65535, got "${text}"`);
  return Number(text);
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

// One greeting service, served twice: by gRPC (HTTP/2, protobuf) and by a
// REST endpoint (HTTP/1.1, JSON), so the two can be measured side by side.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld, loadReport } from '../../src/proto.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { ReportServiceHandlers } from '../../src/generated/rpc_package/ReportService.js';

const { rpc_package: hello } = loadHelloWorld();
const { rpc_package: report } = loadReport();

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

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const count = call.request.reply_count || 3;
  for (let sequence = 1; sequence <= count && !call.cancelled; sequence++) {
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
  const { name, readings } = call.request;
  callback(null, summarize(name, readings.map((reading) => reading.value)));
};

export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(hello.HelloWorldService.service, { SayHello: sayHello, LotsOfReplies: lotsOfReplies });
  server.addService(report.ReportService.service, { SendReport: sendReport });
  return server;
}

// ---- REST: whatever JSON parses reaches the handler. ----
// This is a typical small JSON endpoint: it trusts the body's shape. Checking
// it (types, required fields, unknown fields) is code you write yourself, or a
// schema validator you add; nothing in HTTP or JSON does it for you.

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function createRestServer(): HttpServer {
  const server = createHttpServer({ keepAlive: true }, async (request, response) => {
    const send = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      response.end(json);
    };
    try {
      if (request.method === 'POST' && request.url === '/v1/hello') {
        const { name } = (await readJson(request)) as { name: string };
        return send(200, { message: greet(name) });
      }
      if (request.method === 'POST' && request.url === '/v1/reports') {
        const { name, readings } = (await readJson(request)) as { name: string; readings: { value: number }[] };
        return send(200, summarize(name, readings.map((reading) => reading.value)));
      }
      send(404, { error: `no route for ${request.method} ${request.url}` });
    } catch (error) {
      send(400, { error: (error as Error).message });
    }
  });
  return server;
}

// Binding, call logging and shutdown for any lesson server, so that lesson
// files hold only what is particular to each lesson.
import { performance } from 'node:perf_hooks';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';

/** "127.0.0.1:50051", or "[::1]:50051" for an IPv6 host. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ListenError extends Error {}

function listenFailure(address: string, message: string): ListenError {
  const reason = /EADDRINUSE/.test(message)
    ? 'address already in use'
    : /EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN/.test(message)
      ? 'no such local address'
      : /EACCES/.test(message)
        ? 'permission denied'
        : message;
  return new ListenError(`cannot listen on ${address}: ${reason}`);
}

/**
 * Binds the server and resolves with the port it got (ask for 0 to get a free one).
 * Serving starts as soon as the bind succeeds: grpc-js needs no start() call.
 */
export function listen(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = formatAddress(host, port);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (!error) return resolve(boundPort);
      reject(listenFailure(address, error.message));
    });
  });
}

/** The same for a plain HTTP server (lesson 05's REST endpoint). */
export function listenHttp(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(formatAddress(host, port), error.message)));
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Graceful first: stop accepting calls and let running ones finish. A stream
 * whose client went quiet can keep that waiting forever, so after `graceMs`
 * the remaining calls are cancelled.
 */
export function shutdown(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

/**
 * A server interceptor that writes one line per finished call, at most
 * `perSecond` lines a second: past that, one line says how many were left out,
 * so a benchmark's thousands of calls do not turn into thousands of lines.
 */
export function callLogger(log: (line: string) => void, perSecond = 20): grpc.ServerInterceptor {
  let windowStart = 0;
  let logged = 0;
  let skipped = 0;
  let summary: NodeJS.Timeout | undefined;
  const write = (line: string) => {
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      windowStart = now;
      logged = 0;
    }
    if (logged < perSecond) {
      logged += 1;
      log(line);
      return;
    }
    skipped += 1;
    summary ??= setTimeout(() => {
      log(`… ${skipped} more call${skipped === 1 ? '' : 's'} not logged (at most ${perSecond} lines a second)`);
      skipped = 0;
      summary = undefined;
    }, 1_000).unref();
  };
  return (method, call) => {
    const startedAt = performance.now();
    const name = method.path.slice(method.path.lastIndexOf('/') + 1);
    let received = 0;
    let sent = 0;
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            received += 1;
            nextMessage(message);
          },
        });
      },
      sendMessage(message, next) {
        sent += 1;
        next(message);
      },
      sendStatus(status, next) {
        const code = grpc.status[status.code] ?? String(status.code);
        const details = status.code === grpc.status.OK || !status.details ? '' : `: ${status.details}`;
        const ms = (performance.now() - startedAt).toFixed(1);
        write(`${name} from ${call.getPeer()}: ${code}${details} (${received} in, ${sent} out, ${ms} ms)`);
        next(status);
      },
    });
  };
}

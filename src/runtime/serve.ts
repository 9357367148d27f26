// Binding, call logging and shutdown for any lesson server, so that lesson
// files hold only what is particular to each lesson.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';

/** "127.0.0.1:50051", or "[::1]:50051" for an IPv6 host. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ListenError extends Error {}

/**
 * Binds the server and resolves with the port it got (ask for 0 to get a free one).
 * Serving starts as soon as the bind succeeds: grpc-js needs no start() call.
 */
export function listen(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = formatAddress(host, port);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (!error) return resolve(boundPort);
      const reason = /EADDRINUSE/.test(error.message)
        ? 'address already in use'
        : /EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN/.test(error.message)
          ? 'no such local address'
          : /EACCES/.test(error.message)
            ? 'permission denied'
            : error.message;
      reject(new ListenError(`cannot listen on ${address}: ${reason}`));
    });
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

/** A server interceptor that writes one line per finished call. */
export function callLogger(log: (line: string) => void): grpc.ServerInterceptor {
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
        log(`${name} from ${call.getPeer()}: ${code}${details} (${received} in, ${sent} out, ${ms} ms)`);
        next(status);
      },
    });
  };
}

// Binding, call logging and shutdown for any lesson server, so that lesson
// files hold only what is particular to each lesson.
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { formatAddress } from '../address.js';

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
export function listen(
  server: grpc.Server,
  host: string,
  port: number,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  const address = formatAddress(host, port);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, boundPort) => {
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

// What the tutorial adds to a lesson process from outside its code. Loaded
// before the lesson, as a preload (`node --import tsx --import ./attach.ts
// lessons/…/server.ts`) by the lesson runner, or imported by `npm run server`
// and `npm run client` before they start the lesson file:
//
// - every grpc-js server logs one line per finished call, and lesson 05's
//   REST endpoint one per request, within one shared rate limit; a TLS server
//   also one per connection it accepts (what the handshake agreed, and the
//   client's certificate, if it showed one);
// - a server reports the ports it bound to a parent on an IPC channel, and
//   shuts down when that parent goes away;
// - a client run under a parent reports every call on the wire to it, and
//   applies the faults the parent asks for (cancel, pause or resume reading, a
//   deadline for every call in GRPC_TUTORIAL_DEADLINE_MS) to its calls;
// - a handler that throws has its error printed on the server's stderr (the
//   client gets only UNKNOWN: grpc-js keeps exception text off the wire);
// - grpc-js's own console diagnostics stay off unless GRPC_VERBOSITY asks;
// - a closed stdout or stderr (`| head`) never kills the process;
// - control characters in what the process prints (a name or a reply a peer
//   sent) reach the terminal as visible text, never as terminal commands.
//
// It patches prototypes that every importer of grpc-js shares, so the order of
// imports does not matter.
import http from 'node:http';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { callLogger, rateLimited, restCallLogger } from '../runtime/call-log.js';
import { escapeControlChars } from '../runtime/control-chars.js';
import { DEADLINE_ENV, createIpcSink, isFaultMessage, type ChildMessage } from './ipc-sink.js';
import { applyFault, installWireTap } from './wiretap.js';
import { serverTlsLine } from './tls.js';

if (!process.env.GRPC_VERBOSITY) grpc.setLogVerbosity(grpc.logVerbosity.NONE);

for (const stream of [process.stdout, process.stderr]) {
  // A reader that went away is no reason to stop serving (or to print a stack).
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  // A lesson prints what peers send it (`Hello, ${name}!`): a name holding
  // ESC ] 0 ; ... BEL would retitle the learner's terminal. Lesson code prints
  // no colours of its own, so every control character here came from a peer.
  // (console.* writes strings; bytes written on purpose pass as they are.)
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    return (write as (...args: unknown[]) => boolean).call(
      this,
      typeof chunk === 'string' ? escapeControlChars(chunk) : chunk,
      ...rest,
    );
  } as typeof stream.write;
}

const send = (message: ChildMessage) => process.send?.(message);

// One budget of log lines for gRPC and REST calls together.
const logLine = rateLimited((line) => console.log(line));
const logCall = callLogger(logLine);
const logRestCall = restCallLogger(logLine);
type ServerInternals = { interceptors: grpc.ServerInterceptor[] };
const bindAsync = grpc.Server.prototype.bindAsync;
grpc.Server.prototype.bindAsync = function (this: grpc.Server, port, credentials, callback) {
  const internals = this as unknown as ServerInternals;
  // First in the list, which grpc-js wraps around its own call (closest to the
  // wire): the log sees what the lesson's interceptors answer and what grpc-js
  // answers by itself.
  if (!internals.interceptors.includes(logCall)) internals.interceptors.unshift(logCall);
  bindAsync.call(this, port, credentials, (error, boundPort) => {
    if (!error) {
      // A unix socket has no port to report (grpc-js gives 1): the parent's
      // clients reach the server on its TCP port, which it reports.
      if (!port.startsWith('unix:')) send({ type: 'listening', protocol: 'grpc', port: boundPort });
      stopWithParent();
    }
    callback(error, boundPort);
  });
};

// grpc-js serves TLS credentials with an http2 secure server: each
// connection it accepts says, once its handshake is over, what TLS agreed and
// whom the client's certificate names (mTLS). A handshake that fails makes no
// connection, and no line.
const createSecureServer = http2.createSecureServer;
http2.createSecureServer = function (this: unknown, ...args: unknown[]) {
  const server = (createSecureServer as (...all: unknown[]) => http2.Http2SecureServer).apply(this, args);
  server.on('secureConnection', (socket: TLSSocket) => logLine(serverTlsLine(socket)));
  return server;
} as typeof http2.createSecureServer;

// grpc-js answers a handler's exception with UNKNOWN and, on purpose, no
// detail (it could leak internals). The learner should still see what broke.
type Handler = (...args: unknown[]) => unknown;
type Register = (name: string, handler: Handler, ...rest: unknown[]) => boolean;
const serverPrototype = grpc.Server.prototype as unknown as { register: Register };
const register = serverPrototype.register;
serverPrototype.register = function (this: grpc.Server, name, handler, ...rest) {
  const method = name.slice(name.lastIndexOf('/') + 1);
  const reportThrown = (error: unknown) => console.error(`${method} handler threw ${describeThrown(error)}`);
  const watched: Handler = function (this: unknown, ...args) {
    watchWritesAfterCancel(method, args[0]);
    try {
      const result = handler.apply(this, args);
      // An async handler rejects instead: report it, and leave the rejection as unhandled as it was.
      if (result instanceof Promise) {
        result.then(undefined, (error: unknown) => {
          reportThrown(error);
          throw error;
        });
      }
      return result;
    } catch (error) {
      reportThrown(error);
      throw error;
    }
  };
  return register.call(this, name, watched, ...rest);
};

/** How long after its first write for nobody a handler's writes are counted before the line goes out. */
const LATE_WRITES_WINDOW_MS = 1_000;

/**
 * A streaming handler that goes on writing after its call was cancelled
 * produces for nobody: grpc-js drops those messages without a word, below the
 * handler and above every interceptor. Say so in the server's log, once per
 * call: how many it wrote in the first second (or until it ended the call).
 */
function watchWritesAfterCancel(method: string, call: unknown): void {
  const stream = call as {
    write?: (...args: unknown[]) => boolean;
    end?: (...args: unknown[]) => void;
    cancelled?: boolean;
  };
  if (!stream || typeof stream.write !== 'function' || typeof stream.end !== 'function') return;
  const { write, end } = stream;
  let late = 0;
  let timer: NodeJS.Timeout | undefined;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    clearTimeout(timer);
    logLine(
      `${method} handler went on writing after its call was cancelled: ${late} message${late === 1 ? '' : 's'} for nobody (watch call.cancelled or the 'cancelled' event)`,
    );
  };
  stream.write = function (this: unknown, ...args: unknown[]) {
    if (stream.cancelled && !reported) {
      late += 1;
      timer ??= setTimeout(report, LATE_WRITES_WINDOW_MS);
    }
    return write.apply(this, args);
  };
  stream.end = function (this: unknown, ...args: unknown[]) {
    if (late > 0) report();
    return end.apply(this, args);
  };
}

/** "Error: boom (at lessons/01-unary/server.ts:33:11)": the message and where it was thrown. */
function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = /\((?:file:\/\/)?([^()]+:\d+:\d+)\)|at (?:file:\/\/)?(\S+:\d+:\d+)/.exec(
    error.stack?.split('\n').slice(1).join('\n') ?? '',
  );
  const where = frame ? (frame[1] ?? frame[2]).replace(`${process.cwd()}/`, '') : undefined;
  return `${error.name}: ${error.message}${where ? ` (at ${where})` : ''}`;
}

// Lesson 05 also serves REST: its port is reported the same way, and its calls logged.
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (this: http.Server, ...args: unknown[]) {
  // First in line, so the time counts from the request's arrival.
  if (!this.listeners('request').includes(logRestCall)) this.prependListener('request', logRestCall);
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') send({ type: 'listening', protocol: 'http', port: address.port });
  });
  return (listen as (...all: unknown[]) => http.Server).apply(this, args);
} as typeof listen;

let watchingParent = false;
/** A server started by a parent must not outlive it: stop it the way Ctrl-C would. */
function stopWithParent(): void {
  if (watchingParent || !process.send) return;
  watchingParent = true;
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    // A lesson with no SIGTERM handler of its own ends here; one that has it gets 5 s.
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}

/** The deadline the lesson UI set for this run, in ms. */
function deadlineFromEnv(): number | undefined {
  const value = process.env[DEADLINE_ENV];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

if (process.send) {
  const sink = createIpcSink();
  installWireTap(sink.emit, { preview: false, deadlineMs: deadlineFromEnv() });
  // The last batch goes out before the process ends by itself.
  process.on('beforeExit', () => void sink.flush());
  // Faults from the parent. A 'message' listener keeps the IPC channel (and so
  // the process) alive; unref it, so a client whose calls are done still exits.
  process.on('message', (message) => {
    if (!isFaultMessage(message)) return;
    applyFault(message.fault, message.server);
    // Its rows first, then the word that it is done (the parent may be waiting to kill the server).
    void sink.flush().then(() => send({ type: 'fault-applied', fault: message.fault }));
  });
  process.channel?.unref();
}

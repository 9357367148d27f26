// One line per finished call on a lesson server, however the call ended: with
// a status the handler sent, with one grpc-js sent by itself (a message too
// large, bytes that do not decode, a deadline that passed), or cancelled by the
// client before any status went out. Lesson 05's REST calls get a line too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { escapeControlChars } from './control-chars.js';

export type LineWriter = (line: string) => void;

/**
 * Passes on at most `perSecond` lines a second: past that, one line says how
 * many were left out, so a benchmark's thousands of calls (or a hostile
 * client's) do not turn into thousands of lines. Share one writer between
 * loggers to give them one budget.
 */
export function rateLimited(log: LineWriter, perSecond = 20): LineWriter {
  let windowStart = 0;
  let logged = 0;
  let skipped = 0;
  let summary: NodeJS.Timeout | undefined;
  return (line) => {
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
}

/** The HTTP/2 stream under grpc-js's own call: how a call really ended is known only when it closes. */
interface CallStream {
  readonly rstCode?: number;
  readonly closed: boolean;
  /** Node's view of the stream: remoteClose is 1 once the client has sent all it will send. */
  readonly state?: { remoteClose?: number };
  once(event: 'close', listener: () => void): unknown;
}

const NGHTTP2_NO_ERROR = 0;
const NGHTTP2_CANCEL = 8;
/** How early a client's reset may come and still be its deadline passing: the header's time in transit. */
const DEADLINE_SLACK_MS = 100;

/**
 * A server interceptor that writes one line per finished call. Put it first in
 * the server's interceptors: the first one wraps grpc-js's own call, and only
 * there are the statuses grpc-js sends by itself to be seen.
 */
export function callLogger(log: LineWriter): grpc.ServerInterceptor {
  return (method, call) => {
    const startedAt = performance.now();
    const name = method.path.slice(method.path.lastIndexOf('/') + 1);
    // Asked now: once the connection is gone, grpc-js no longer knows the peer.
    const peer = call.getPeer();
    let received = 0;
    let sent = 0;
    let ended = false;
    let status: Parameters<grpc.ServerInterceptingCallInterface['sendStatus']>[0] | undefined;
    const finish = (outcome: string) => {
      if (ended) return;
      ended = true;
      const ms = (performance.now() - startedAt).toFixed(1);
      log(escapeControlChars(`${name} from ${peer}: ${outcome} (${received} in, ${sent} out, ${ms} ms)`));
    };
    const finishWithStatus = () => {
      if (!status) return finishCancelled();
      const code = grpc.status[status.code] ?? String(status.code);
      finish(status.code === grpc.status.OK || !status.details ? code : `${code}: ${status.details}`);
    };
    const finishCancelled = (rstCode = NGHTTP2_CANCEL) => {
      // A client whose deadline passes resets the stream just like a cancel. Its
      // clock started a moment before ours (the grpc-timeout header took time to
      // arrive), so a reset that comes just before our deadline is that deadline.
      const deadline = call.getDeadline();
      const expired = (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now() <= DEADLINE_SLACK_MS;
      if (expired) finish('DEADLINE_EXCEEDED: the deadline passed');
      else if (rstCode === NGHTTP2_CANCEL) finish('CANCELLED: the client cancelled or went away');
      else finish(`CANCELLED: the stream was reset (HTTP/2 error ${rstCode})`);
    };

    // grpc-js answers RESOURCE_EXHAUSTED (a message over the size limit),
    // INTERNAL (bytes that do not decode) and DEADLINE_EXCEEDED (its own timer)
    // on the call below every interceptor, without passing through them: watch
    // that call's sendStatus, which the handler's status also reaches.
    const sendStatus = call.sendStatus;
    call.sendStatus = function (this: grpc.ServerInterceptingCallInterface, sending) {
      status ??= sending;
      sendStatus.call(this, sending);
    };
    // A status sent is not a status received: a client's cancel can cross the
    // handler's answer on the wire. The stream's close says which won: a reset
    // (RST_STREAM) means the client never got the status. Without the stream
    // (grpc-js internals moved), the first status or cancel decides.
    const stream = (call as unknown as { stream?: CallStream }).stream;
    const watchingStream = typeof stream?.once === 'function' && 'rstCode' in stream && !stream.closed;
    if (watchingStream)
      stream.once('close', () =>
        stream.rstCode === NGHTTP2_NO_ERROR ? finishWithStatus() : finishCancelled(stream.rstCode),
      );

    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            received += 1;
            nextMessage(message);
          },
          onCancel() {
            // grpc-js calls this once its status has gone out, or the stream was reset.
            if (!watchingStream) return finishWithStatus();
            // A client that has sent all it will send closes the stream as soon
            // as our status reaches it: wait for that close. One still sending
            // may keep the stream open for ever: the status sent is all we know.
            if (!stream.closed && stream.state?.remoteClose !== 1) finishWithStatus();
          },
        });
      },
      sendMessage(message, next) {
        sent += 1;
        next(message);
      },
      sendStatus(sending, next) {
        status ??= sending;
        next(sending);
      },
    });
  };
}

/** A URL as sent can be as long as the client likes: the log keeps its start. */
const URL_CHARS = 80;

/**
 * One line per REST call, for a node:http server's 'request' event: the
 * method, the path, the HTTP status and the time, or that the client left
 * before the answer.
 */
export function restCallLogger(log: LineWriter): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const startedAt = performance.now();
    const url = request.url ?? '';
    const path = url.length > URL_CHARS ? `${url.slice(0, URL_CHARS - 1)}…` : url;
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    let ended = false;
    const finish = (outcome: string) => {
      if (ended) return;
      ended = true;
      const ms = (performance.now() - startedAt).toFixed(1);
      log(escapeControlChars(`${request.method} ${path} from ${peer}: ${outcome} (${ms} ms)`));
    };
    response.once('finish', () => finish(`${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}`.trim()));
    response.once('close', () => finish('closed before the answer was sent'));
  };
}

// One line per finished call on a lesson server, however the call ended: with
// a status the handler sent, or cancelled (by the client, or by its deadline)
// before it could send one.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';

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
    let ended = false;
    const finish = (outcome: string) => {
      if (ended) return;
      ended = true;
      const ms = (performance.now() - startedAt).toFixed(1);
      write(`${name} from ${call.getPeer()}: ${outcome} (${received} in, ${sent} out, ${ms} ms)`);
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            received += 1;
            nextMessage(message);
          },
          onCancel() {
            const deadline = call.getDeadline();
            const expired = deadline instanceof Date ? deadline.getTime() <= Date.now() : deadline <= Date.now();
            finish(expired ? 'DEADLINE_EXCEEDED: the deadline passed' : 'CANCELLED: the client cancelled or went away');
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
        finish(`${code}${details}`);
        next(status);
      },
    });
  };
}

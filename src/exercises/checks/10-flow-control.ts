// Lesson 10's exercise: a Download that respects backpressure. Our client is
// the slow reader; what the learner's server produced while nobody read is
// what its own progress lines and trailers say (the lesson's account of the
// stream, outside the part the learner writes).
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/flowcontrol.js';
import type { Chunk__Output } from '../../generated/rpc_package/Chunk.js';
import type { FlowControlServiceClient } from '../../generated/rpc_package/FlowControlService.js';
import { describeStatus, eventually, expectEqual, fail, serverExercise, show, type LessonChecks } from '../kit.js';

const flowClient = (target: string): FlowControlServiceClient =>
  new (loadProto('flowcontrol.proto') as unknown as ProtoGrpcType).rpc_package.FlowControlService(
    target,
    grpc.credentials.createInsecure(),
  );

/** A count the learner cannot have typed into the file, and that names our stream in the server's lines. */
const randomCount = (from: number, spread = 1_000) => from + Math.floor(Math.random() * spread);

/** The most chunks a server that waits for 'drain' can have written while its reader reads nothing: its buffer, and what HTTP/2's window and the reader's own buffer let out. */
const PAUSED_WRITTEN_AT_MOST = 300;

/** The status of a stream and its trailers, once it ends. */
function ended(call: grpc.ClientReadableStream<Chunk__Output>): Promise<grpc.StatusObject> {
  return new Promise((resolve) => {
    call.on('status', resolve);
    // A failed stream also emits 'error': the status carries it.
    call.on('error', () => {});
  });
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'sends every chunk, in order',
        async run({ target }) {
          const client = flowClient(target);
          try {
            const count = randomCount(100, 400);
            const call = client.Download({ count, chunk_bytes: 1024 }, { deadline: Date.now() + 5_000 });
            const sequences: number[] = [];
            call.on('data', (chunk: Chunk__Output) => sequences.push(chunk.sequence));
            const status = await ended(call);
            if (status.code !== grpc.status.OK) fail(`${count} chunks, then OK`, describeStatus(status));
            const firstWrong = sequences.findIndex((sequence, index) => sequence !== index + 1);
            if (firstWrong >= 0)
              fail(`chunk ${firstWrong + 1} at position ${firstWrong + 1}`, `chunk ${sequences[firstWrong]}`);
            expectEqual('chunks', count, sequences.length);
          } finally {
            client.close();
          }
        },
      },
      {
        name: 'holds at most 16 chunks for a reader that keeps up',
        async run({ target }) {
          // Even a reader as fast as loopback allows is slower than a loop
          // that only makes chunks: a server that writes on past write()'s
          // false holds nearly the whole stream at once.
          const client = flowClient(target);
          try {
            const count = randomCount(1_000, 500);
            const call = client.Download({ count, chunk_bytes: 1024 }, { deadline: Date.now() + 5_000 });
            let read = 0;
            call.on('data', () => (read += 1));
            const status = await ended(call);
            if (status.code !== grpc.status.OK) fail(`${count} chunks, then OK`, describeStatus(status));
            expectEqual('chunks', count, read);
            const held = Number(status.metadata.get('x-held-at-most')[0]);
            if (!(held <= 17))
              fail(
                "a server that holds at most 16 chunks (its x-held-at-most trailer), waiting for 'drain' when write() says false",
                `it held ${held} of ${count} at once`,
              );
          } finally {
            client.close();
          }
        },
      },
      {
        name: 'stops producing while the reader pauses',
        async run({ target, serverOutput }) {
          const client = flowClient(target);
          const linesBefore = serverOutput().length;
          const count = randomCount(1_200, 500);
          // "Download 7: holds 16/16 (128 KiB), 212/3456 written, …": the server's line for our stream.
          const progress = new RegExp(`^Download \\d+.*?: holds .*?, (\\d+)/${count} written`);
          const written = () =>
            serverOutput()
              .slice(linesBefore)
              .map((line) => progress.exec(line)?.[1])
              .filter((found) => found !== undefined)
              .map(Number);
          try {
            const call = client.Download({ count, chunk_bytes: 8 * 1024 }, { deadline: Date.now() + 5_000 });
            const status = ended(call);
            let read = 0;
            call.on('data', () => {
              read += 1;
              // Read three chunks, then stop reading: grpc-js stops taking
              // chunks off the connection, and HTTP/2's window closes.
              if (read === 3) call.pause();
            });
            // The server's first progress line (it prints 4 a second) comes
            // long after the producer has settled, where it stops or not.
            await eventually(
              () => written().length >= 1,
              'a progress line from the server while our reader pauses',
              () => `none; its last line: ${show(serverOutput().at(-1) ?? '')}`,
            );
            const settled = written().at(-1)!;
            if (settled > PAUSED_WRITTEN_AT_MOST)
              fail(
                `a server that stops writing while nobody reads (at most ${PAUSED_WRITTEN_AT_MOST} of ${count} chunks written after 3 were read)`,
                `${settled} written: ${show(
                  serverOutput()
                    .slice(linesBefore)
                    .find((line) => progress.test(line)),
                )}`,
              );
            // Reading again, the reader gets the rest: the producer went on.
            call.resume();
            const { code, details } = await status;
            if (code !== grpc.status.OK)
              fail(`the rest of the ${count} chunks, then OK`, describeStatus({ code, details }));
            expectEqual('chunks read once the reader went on', count, read);
          } finally {
            client.close();
          }
        },
      },
    ],
  }),
};

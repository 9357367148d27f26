// Lesson 12's exercise: a Download that sends a file as a stream of chunks,
// under the 4 MiB limit on one message whatever the file's size, with the
// SHA-256 of what it sent in a last chunk. Our client keeps grpc-js's default
// receive limit, hashes what arrives, and compares it with the file the
// learner's own Get sends in one message.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/files.js';
import type { FileChunk__Output } from '../../generated/rpc_package/FileChunk.js';
import type { FileServiceClient } from '../../generated/rpc_package/FileService.js';
import { describeStatus, expectEqual, fail, serverExercise, show, type LessonChecks } from '../kit.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const filesClient = (target: string): FileServiceClient =>
  new (loadProto('files.proto') as unknown as ProtoGrpcType).rpc_package.FileService(
    target,
    grpc.credentials.createInsecure(),
  );

/** A file name and a size the learner cannot have typed into the file. */
function randomFile(from: number): { name: string; size: number } {
  return {
    name: `notes-${Math.random().toString(36).slice(2, 7)}.txt`,
    size: from + Math.floor(Math.random() * 64 * KiB),
  };
}

interface Downloaded {
  status: grpc.StatusObject;
  chunks: FileChunk__Output[];
  /** Every byte of data, in the order it came. */
  data: Buffer;
}

/** Downloads the file on a new channel with grpc-js's default limits; never rejects. */
async function download(target: string, name: string, size: number): Promise<Downloaded> {
  const client = filesClient(target);
  try {
    const call = client.Download({ name, size }, { deadline: Date.now() + 5_000 });
    const chunks: FileChunk__Output[] = [];
    call.on('data', (chunk: FileChunk__Output) => chunks.push(chunk));
    call.on('error', () => {});
    const status = await new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    return { status, chunks, data: Buffer.concat(chunks.map((chunk) => chunk.data)) };
  } finally {
    client.close();
  }
}

function expectOk(what: string, { status, chunks }: Downloaded): void {
  if (status.code !== grpc.status.OK) fail(what, `${describeStatus(status)} after ${chunks.length} chunks`);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'sends the file in chunks, each where the last one ended',
        async run({ target }) {
          const { name, size } = randomFile(256 * KiB);
          const got = await download(target, name, size);
          expectOk(`the ${size} bytes of ${name} as a stream of chunks, then OK`, got);
          let offset = 0;
          for (const [index, chunk] of got.chunks.entries()) {
            if (chunk.offset !== String(offset))
              fail(`chunk ${index + 1} at offset ${offset} (where chunk ${index} ended)`, `offset ${chunk.offset}`);
            offset += chunk.data.length;
          }
          expectEqual('bytes in all', size, offset);
          const withData = got.chunks.filter((chunk) => chunk.data.length > 0).length;
          if (withData < 2) fail(`${show(name)} in several chunks`, `${withData} chunk with data`);
          expectEqual('the first chunk to name the file', name, got.chunks[0]?.name);
        },
      },
      {
        name: 'sends the same bytes as Get',
        async run({ target }) {
          const { name, size } = randomFile(192 * KiB);
          const client = filesClient(target);
          const whole = await new Promise<{ data?: Buffer; error?: grpc.ServiceError }>((resolve) =>
            client.Get({ name, size }, { deadline: Date.now() + 5_000 }, (error, file) =>
              resolve(error ? { error } : { data: file!.data }),
            ),
          );
          client.close();
          if (!whole.data)
            fail(`Get ${name} to answer (it is part of the lesson's server)`, describeStatus(whole.error));
          const got = await download(target, name, size);
          expectOk(`the ${size} bytes of ${name}, then OK`, got);
          if (!got.data.equals(whole.data)) {
            const at = got.data.findIndex((byte, index) => byte !== whole.data![index]);
            fail(
              `the ${whole.data.length} bytes Get sends for ${name}`,
              `${got.data.length} bytes${at >= 0 ? `, different from byte ${at} on` : ''}`,
            );
          }
        },
      },
      {
        name: 'ends with the SHA-256 of the bytes it sent',
        async run({ target }) {
          const { name, size } = randomFile(128 * KiB);
          const got = await download(target, name, size);
          expectOk(`the ${size} bytes of ${name}, then OK`, got);
          const last = got.chunks.at(-1);
          const expected = sha256(got.data);
          if (last?.sha256 !== expected)
            fail(
              `a last chunk with sha256 ${expected.slice(0, 16)}…, the hash of the ${got.data.length} bytes received`,
              last?.sha256 ? `sha256 ${show(last.sha256)}` : 'a last chunk with no sha256',
            );
        },
      },
      {
        name: 'sends a file bigger than the 4 MiB limit on one message',
        async run({ target }) {
          const { name, size } = randomFile(6 * MiB);
          const got = await download(target, name, size);
          expectOk(`all ${size} bytes to a client that receives at most 4 MiB in one message, then OK`, got);
          expectEqual('bytes received', size, got.data.length);
        },
      },
    ],
  }),
};

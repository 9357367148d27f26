// Lesson 12's exercises. The server: a Download that sends a file as a stream
// of chunks, under the 4 MiB limit on one message whatever the file's size,
// with the SHA-256 of what it sent in a last chunk. Our client keeps grpc-js's
// default receive limit, hashes what arrives, and compares it with the file
// the learner's own Get sends in one message. The client: the same file the
// other way, an Upload, which our file server records chunk by chunk.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/files.js';
import type { FileChunk__Output } from '../../generated/rpc_package/FileChunk.js';
import type { FileServiceClient, FileServiceHandlers } from '../../generated/rpc_package/FileService.js';
import {
  clientExercise,
  describeRun,
  describeStatus,
  expectEqual,
  fail,
  serverExercise,
  show,
  type ClientRun,
  type LessonChecks,
} from '../kit.js';
import { CLIENT_RUN_MS } from './11-long-lived-streams.js';

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

/** One Upload as our file server saw it. */
interface SeenUpload {
  chunks: { name: string; offset: string; bytes: number; sha256: string }[];
  data: Buffer;
  /** The client half-closed: every chunk was in. */
  halfClosed: boolean;
}

/**
 * The file the lesson's client sends for `name`, as its textFile() makes it:
 * 64 KiB chunks of numbered lines. What the learner's upload() must send
 * is what it is given.
 */
function lessonFile(name: string, size: number): Buffer {
  const chunks: Buffer[] = [];
  let line = 0;
  for (let offset = 0; offset < size; offset += 64 * KiB) {
    const length = Math.min(64 * KiB, size - offset);
    let text = '';
    while (text.length < length) text += `${name} line ${++line}: Hello, Ada! Hello, Grace! Hello, Linus!\n`;
    chunks.push(Buffer.from(text).subarray(0, length));
  }
  return Buffer.concat(chunks);
}

/** The 1 MiB files of the lesson's client's uploads. */
const UPLOAD_BYTES = 1 * MiB;

/** `size` bytes (at most 16 MiB) of text, made once per size. */
const fillers = new Map<number, Buffer>();
function filler(size: number): Buffer {
  const bytes = Math.max(0, Math.min(size || 0, 16 * MiB));
  if (!fillers.has(bytes)) fillers.set(bytes, Buffer.alloc(bytes, 'Hello, Ada! '));
  return fillers.get(bytes)!;
}

/** A file server for the learner's client: every method of the lesson's, the uploads recorded. */
function recordingFileServer(uploads: SeenUpload[]): grpc.Server {
  const handlers: FileServiceHandlers = {
    // Only a message under the 4 MiB limit reaches this handler.
    Put(call, callback) {
      const { name, data } = call.request;
      callback(null, { name, size: data.length, chunks: 1, sha256: sha256(data) });
    },
    // Get and Download: any bytes do, with their hash. The client checks the
    // hash, and this exercise is about the Upload.
    Get(call, callback) {
      const data = filler(Number(call.request.size));
      callback(null, { name: call.request.name, data, sha256: sha256(data) });
    },
    Download(call) {
      const data = filler(Number(call.request.size));
      for (let offset = 0; offset < data.length; offset += 64 * KiB)
        call.write({
          name: offset === 0 ? call.request.name : '',
          offset,
          data: data.subarray(offset, offset + 64 * KiB),
        });
      call.write({ offset: data.length, sha256: sha256(data) });
      call.end();
    },
    Upload(call, callback) {
      const seen: SeenUpload = {
        chunks: [],
        data: Buffer.alloc(0),
        halfClosed: false,
      };
      uploads.push(seen);
      const parts: Buffer[] = [];
      call.on('data', (chunk: FileChunk__Output) => {
        seen.chunks.push({ name: chunk.name, offset: chunk.offset, bytes: chunk.data.length, sha256: chunk.sha256 });
        parts.push(chunk.data);
        seen.data = Buffer.concat([seen.data, chunk.data]);
      });
      call.on('end', () => {
        seen.halfClosed = true;
        const hash = sha256(seen.data);
        const claimed = seen.chunks.at(-1)?.sha256 ?? '';
        if (claimed !== hash)
          return callback({
            code: grpc.status.DATA_LOSS,
            details: `${seen.data.length} bytes received, sha256 ${hash}`,
          });
        callback(null, {
          name: seen.chunks[0]?.name ?? '',
          size: seen.data.length,
          chunks: parts.filter((part) => part.length > 0).length,
          sha256: hash,
        });
      });
    },
  };
  const server = new grpc.Server();
  server.addService((loadProto('files.proto') as unknown as ProtoGrpcType).rpc_package.FileService.service, handlers);
  return server;
}

/** Runs the lesson's client for a file name the learner cannot have typed in; resolves with the run and the first upload. */
async function uploadRun(
  uploads: SeenUpload[],
  runClient: (args?: string[], options?: { timeoutMs?: number }) => Promise<ClientRun>,
): Promise<{ name: string; run: ClientRun; upload: SeenUpload }> {
  const name = `notes-${Math.random().toString(36).slice(2, 7)}.txt`;
  const run = await runClient(['--name', name], { timeoutMs: CLIENT_RUN_MS });
  const upload = uploads[0];
  if (!upload) fail(`an Upload of ${name}`, `none (${describeRun(run)})`);
  return { name, run, upload };
}

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

  client: clientExercise<SeenUpload[]>({
    reference() {
      const uploads: SeenUpload[] = [];
      return { server: recordingFileServer(uploads), reference: uploads, reset: () => uploads.splice(0) };
    },
    checks: [
      {
        name: 'sends the file in chunks, each where the last one ended',
        async run({ reference, runClient }) {
          const { name, run, upload } = await uploadRun(reference, runClient);
          const withData = upload.chunks.filter((chunk) => chunk.bytes > 0);
          if (withData.length < 2)
            fail(
              `${name} in several chunks, one per buffer it is given`,
              `${withData.length} chunk with data (${describeRun(run)})`,
            );
          let offset = 0;
          for (const [index, chunk] of upload.chunks.entries()) {
            if (chunk.offset !== String(offset))
              fail(`chunk ${index + 1} at offset ${offset} (where chunk ${index} ended)`, `offset ${chunk.offset}`);
            offset += chunk.bytes;
          }
          expectEqual('the first chunk to name the file', name, upload.chunks[0].name);
        },
      },
      {
        name: 'sends the bytes it is given, all of them',
        async run({ reference, runClient }) {
          const { name, upload } = await uploadRun(reference, runClient);
          const expected = lessonFile(name, UPLOAD_BYTES);
          if (!upload.data.equals(expected)) {
            const at = upload.data.findIndex((byte, index) => byte !== expected[index]);
            fail(
              `the ${expected.length} bytes of ${name} that textFile() made`,
              `${upload.data.length} bytes${at >= 0 ? `, different from byte ${at} on` : ''}`,
            );
          }
        },
      },
      {
        name: 'ends with the SHA-256 of the bytes it sent, then half-closes',
        async run({ reference, runClient }) {
          const { run, upload } = await uploadRun(reference, runClient);
          const expected = sha256(upload.data);
          const last = upload.chunks.at(-1);
          if (last?.sha256 !== expected)
            fail(
              `a last chunk with sha256 ${expected.slice(0, 16)}…, the hash of the ${upload.data.length} bytes sent`,
              last?.sha256 ? `sha256 ${show(last.sha256)}` : 'a last chunk with no sha256',
            );
          // A client killed while it waits sends no half-close, but its
          // connection closing looks the same to the server: hence the timeout first.
          if (run.timedOut || !upload.halfClosed)
            fail(
              'a half-close after the sha256 (the server answers only after it), then the run going on',
              `${describeRun(run)}; the server had received ${upload.chunks.length} chunks`,
            );
        },
      },
    ],
  }),
};

// Exercise: upload a file as a stream of chunks (lesson 12, exercise 2).
// Your copy is exercises/12-large-payloads/client.ts; `npm run verify -- 12
// --exercise 2` runs it against a file server that records every chunk of
// each upload. `npm run exercise -- hint 12 --exercise 2` gives a hint. The
// rest of the file already works: it is lesson 12's client.
//   npx tsx exercises/12-large-payloads/client.ts [--target H:P] [--name FILE]...
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/files.js';
import type { FileChunk__Output } from '../../src/generated/rpc_package/FileChunk.js';
import type { FileServiceClient } from '../../src/generated/rpc_package/FileService.js';
import type { FileSummary__Output } from '../../src/generated/rpc_package/FileSummary.js';

const packageDefinition = protoLoader.loadSync('files.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

const MiB = 1024 * 1024;
/** Over the 4 MiB default: one message this big is refused by a receiver that kept its limit. */
const BIG_BYTES = 5 * MiB;
/** Sixteen chunks: enough to see a stream, few enough to read on the timeline. */
const FILE_BYTES = 1 * MiB;
/** Each chunk: far below any limit, large enough that per-message costs do not count. */
const CHUNK_BYTES = 64 * 1024;
/** What the second client raises its receive limit to: above BIG_BYTES. */
const RAISED_RECEIVE_BYTES = 8 * MiB;
/** A deadline for every call, large payloads included. */
const deadlineIn = (ms = 10_000): grpc.CallOptions => ({ deadline: Date.now() + ms });

export async function runClient({
  target,
  names = ['notes.txt'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  const name = names[0] ?? 'notes.txt';
  const credentials = grpc.credentials.createInsecure();
  // Size limits and compression are channel options: they apply to every call
  // a client makes. These three clients differ only in them (and so each opens
  // a connection of its own).
  // grpc-js's defaults: sends messages of any size, receives up to 4 MiB.
  const files = new rpc_package.FileService(target, credentials);
  // The limit belongs to the side that receives: raise it where the big
  // message arrives, here for big replies (and on the server for big requests).
  const bigReplies = new rpc_package.FileService(target, credentials, {
    'grpc.max_receive_message_length': RAISED_RECEIVE_BYTES,
  });
  // gzip every message this client sends. grpc-js has no per-call switch:
  // a call that should not be compressed goes through another client.
  const gzip = new rpc_package.FileService(target, credentials, {
    'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip,
  });
  try {
    const big = mib(BIG_BYTES);
    const file = mib(FILE_BYTES);
    console.log(`Put ${name}, ${big} in one message: ${await tooBig(put(files, name, textFile(name, BIG_BYTES)))}`);
    const uploaded = await upload(files, name, textFile(name, FILE_BYTES));
    console.log(`Upload ${name}, ${file} in ${uploaded.chunks} chunks: OK, sha256 matches: ${yesNo(uploaded.matches)}`);
    const downloaded = await download(files, name, FILE_BYTES);
    console.log(
      `Download ${name}, ${file} in ${downloaded.chunks} chunks: sha256 matches: ${yesNo(downloaded.matches)}`,
    );
    console.log(`Get ${name}, ${big} in one message: ${await tooBig(get(files, name, BIG_BYTES))}`);
    const got = await get(bigReplies, name, BIG_BYTES);
    console.log(`Get ${name}, ${big}, limit raised to ${mib(RAISED_RECEIVE_BYTES)}: OK, sha256 matches: ${yesNo(got)}`);
    const zipped = await upload(gzip, name, textFile(name, FILE_BYTES));
    console.log(
      `Upload ${name} with gzip, ${file} in ${zipped.chunks} chunks: OK, sha256 matches: ${yesNo(zipped.matches)}`,
    );
  } finally {
    files.close();
    bigReplies.close();
    gzip.close();
  }
}

const mib = (bytes: number) => `${bytes / MiB} MiB`;
const yesNo = (matches: boolean) => (matches ? 'yes' : 'no');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** RESOURCE_EXHAUSTED is what the one-message calls are here to show; anything else ends the run. */
async function tooBig(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    if (code !== grpc.status.RESOURCE_EXHAUSTED) throw error;
    return `${grpc.status[code]} (status ${code}): ${details}`;
  }
}

/**
 * The file to send: `size` bytes of text made from its name, chunk by chunk.
 * It stands in for a file on disk: fs.createReadStream(path, { highWaterMark:
 * CHUNK_BYTES }) gives the same kind of chunks, and upload() takes either.
 */
function* textFile(name: string, size: number): Generator<Buffer> {
  let line = 0;
  for (let offset = 0; offset < size; offset += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, size - offset);
    let text = '';
    while (text.length < length) text += `${name} line ${++line}: Hello, Ada! Hello, Grace! Hello, Linus!\n`;
    yield Buffer.from(text).subarray(0, length);
  }
}

// The whole file in one message. grpc-js sends it whatever its size; the
// server, past its limit, refuses it from the length in the 5-byte prefix.
function put(client: FileServiceClient, name: string, chunks: Iterable<Buffer>): Promise<FileSummary__Output> {
  const data = Buffer.concat([...chunks]);
  return new Promise((resolve, reject) => {
    client.Put({ name, data, sha256: sha256(data) }, deadlineIn(), (error, summary) =>
      error ? reject(error) : resolve(summary!),
    );
  });
}

/** Whether the whole file, in one reply, has the SHA-256 the server sent with it. */
function get(client: FileServiceClient, name: string, size: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    client.Get({ name, size }, deadlineIn(), (error, file) =>
      error ? reject(error) : resolve(sha256(file!.data) === file!.sha256),
    );
  });
}

/**
 * Sends a file as a client stream of chunks, then its SHA-256 in a last
 * chunk of its own, then half-closes. The server checks every byte against
 * that hash before it answers (DATA_LOSS if they differ); its answer carries
 * the hash it computed, compared here once more.
 */
export async function upload(
  client: FileServiceClient,
  name: string,
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
): Promise<{ size: number; chunks: number; matches: boolean }> {
  // TODO: open an Upload call (with deadlineIn() as its options) and send
  // the file as one FileChunk per buffer of `chunks`: { name, offset, data },
  // the name on the first chunk only, the offset where the chunk starts. No
  // message then comes near a limit, whatever the file's size. When write()
  // returns false, wait for 'drain' before the next chunk. Then one last
  // chunk with no data and the SHA-256 (hex) of every byte sent, and the
  // half-close: the server answers only after it. Resolve with the size and
  // chunks of its answer, and whether its sha256 is the one you sent; reject
  // with its error status.
  throw new Error(`Upload of ${name} is not written yet`);
}

/**
 * Receives a file as a server stream of chunks, hashing them as they come; the
 * last chunk carries the SHA-256 the server computed. Nothing is kept here:
 * a real client would write each chunk to disk.
 */
export async function download(
  client: FileServiceClient,
  name: string,
  size: number,
): Promise<{ size: number; chunks: number; matches: boolean }> {
  const call = client.Download({ name, size }, deadlineIn());
  const hash = createHash('sha256');
  let received = 0;
  let chunks = 0;
  let claimed = '';
  for await (const chunk of call as AsyncIterable<FileChunk__Output>) {
    if (chunk.offset !== String(received)) {
      // A gap or an overlap: the rest is useless. Tell the server to stop.
      call.cancel();
      throw new Error(`chunk at offset ${chunk.offset}, expected ${received}`);
    }
    hash.update(chunk.data);
    received += chunk.data.length;
    if (chunk.data.length > 0) chunks += 1;
    claimed = chunk.sha256;
  }
  return { size: received, chunks, matches: claimed === hash.digest('hex') };
}

async function main(): Promise<void> {
  const { target, names } = clientFlags();
  try {
    await runClient({ target, names });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[] } {
  try {
    const { values } = parseArgs({
      options: { target: { type: 'string', default: '127.0.0.1:50051' }, name: { type: 'string', multiple: true } },
    });
    return { target: values.target, names: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

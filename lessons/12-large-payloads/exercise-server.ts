// Exercise: send a file as a stream of chunks (lesson 12, exercise 1).
// Your copy is exercises/12-large-payloads/server.ts; `npm run verify -- 12
// --exercise 1` runs it and downloads files from it, one bigger than the
// 4 MiB limit on a message, with a client that keeps that limit. `npm run
// exercise -- hint 12 --exercise 1` gives a hint. The rest of the file
// already works: it is lesson 12's server.
//   npx tsx exercises/12-large-payloads/server.ts [--host H] [--port P]
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/files.js';
import type { FileChunk__Output } from '../../src/generated/rpc_package/FileChunk.js';
import type { FileServiceHandlers } from '../../src/generated/rpc_package/FileService.js';
import type { FileSummary } from '../../src/generated/rpc_package/FileSummary.js';

// The contract of this lesson, protos/files.proto, with lesson 01's load options.
const packageDefinition = protoLoader.loadSync('files.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String, // offsets and sizes are int64: strings here, numbers past 2^53 would lose bytes
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

const MiB = 1024 * 1024;
// The largest message this server accepts. 4 MiB is grpc-js's default, and
// every other gRPC implementation's: a bigger message is refused with
// RESOURCE_EXHAUSTED as soon as its 5-byte prefix announces the length,
// before any handler hears of the call. The limit protects the server's
// memory; raise it only for messages that are big by nature. A file goes
// better as a stream of chunks, which never comes near it.
const MAX_RECEIVE_BYTES = 4 * MiB;
// 64 KiB: big enough that the cost of each message (prefix, HTTP/2 frame,
// one callback) does not count, small enough for any limit and to keep
// memory flat on both sides.
const CHUNK_BYTES = 64 * 1024;
/** The largest file Get and Download make: a request of a few bytes must not cost the server unbounded work. */
const MAX_FILE_BYTES = 16 * MiB;

type Status = { code: grpc.status; details: string };

/**
 * Checks a file as its chunks arrive, without keeping them: each chunk must
 * start where the one before ended, and the SHA-256 of everything received
 * must be the one the sender put on its last chunk. A real server would write
 * each chunk to disk or to object storage here, as it comes.
 */
function receivedFile() {
  const hash = createHash('sha256');
  let name = '';
  let size = 0;
  let chunks = 0;
  let claimed = '';
  return {
    /** Takes the next chunk, or says why it cannot. */
    add(chunk: FileChunk__Output): Status | undefined {
      if (claimed !== '') return { code: grpc.status.INVALID_ARGUMENT, details: 'a chunk came after the sha256' };
      if (chunk.offset !== String(size))
        return { code: grpc.status.INVALID_ARGUMENT, details: `chunk at offset ${chunk.offset}, expected ${size}` };
      name ||= chunk.name;
      hash.update(chunk.data);
      size += chunk.data.length;
      if (chunk.data.length > 0) chunks += 1;
      claimed = chunk.sha256;
      return undefined;
    },
    /** The summary once all has arrived, or DATA_LOSS if the bytes are not the ones the sender hashed. */
    finish(method: string): Status | FileSummary {
      if (claimed === '') return { code: grpc.status.INVALID_ARGUMENT, details: 'no sha256 on the last chunk' };
      const sha256 = hash.digest('hex');
      const matches = sha256 === claimed;
      const pieces = `${chunks} chunk${chunks === 1 ? '' : 's'}`;
      console.log(`${method} ${name}: ${size} bytes in ${pieces}, sha256 ${matches ? 'matches' : 'DOES NOT MATCH'}`);
      // DATA_LOSS: the bytes that arrived are not the bytes that were sent.
      // The request was well formed (not INVALID_ARGUMENT); its data was not.
      if (!matches) return { code: grpc.status.DATA_LOSS, details: `${size} bytes received, sha256 ${sha256}` };
      return { name, size, chunks, sha256 };
    },
  };
}

const isStatus = (result: Status | FileSummary): result is Status => 'code' in result;

// The whole file in one message. Simple, and fine for small files; past the
// limit, grpc-js answers RESOURCE_EXHAUSTED and this handler never runs.
const put: FileServiceHandlers['Put'] = (call, callback) => {
  const file = receivedFile();
  const result = file.add(call.request) ?? file.finish('Put');
  if (isStatus(result)) callback(result);
  else callback(null, result);
};

// The same file as a stream of chunks: no message is bigger than a chunk,
// whatever the file's size, and the server holds only the few in flight.
const upload: FileServiceHandlers['Upload'] = (call, callback) => {
  const file = receivedFile();
  let answered = false;
  const answer = (result: Status | FileSummary) => {
    answered = true;
    if (isStatus(result)) callback(result);
    else callback(null, result);
  };
  call.on('data', (chunk) => {
    if (answered) return;
    const error = file.add(chunk);
    // Answering before the client is done ends the call: grpc-js drops
    // whatever the client still sends.
    if (error) answer(error);
  });
  // The client half-closed: every chunk is in, the checksum can be checked.
  call.on('end', () => {
    if (!answered) answer(file.finish('Upload'));
  });
};

/**
 * The file the server sends: `size` bytes of text made from its name, chunk
 * by chunk. It stands in for a file on disk, which
 * fs.createReadStream(path, { highWaterMark: CHUNK_BYTES }) would read in the
 * same chunks, and compresses the way text does.
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

function requestedSize(size: string): Status | number {
  const bytes = Number(size);
  if (!(bytes >= 0 && bytes <= MAX_FILE_BYTES))
    return { code: grpc.status.INVALID_ARGUMENT, details: `size must be from 0 to ${MAX_FILE_BYTES}, got ${size}` };
  return bytes;
}

// The whole file in one reply. grpc-js sets no limit on what it sends: the
// client's receive limit (4 MiB unless raised) decides whether it gets it.
const get: FileServiceHandlers['Get'] = (call, callback) => {
  const { name } = call.request;
  const size = requestedSize(call.request.size);
  if (typeof size !== 'number') {
    callback(size);
    return;
  }
  const data = Buffer.concat([...textFile(name, size)]);
  callback(null, { name, data, sha256: createHash('sha256').update(data).digest('hex') });
};

// The same file as a stream of chunks. The SHA-256 goes last, in a chunk of
// its own: a sender that reads a file as it sends it knows it only then.
const download: FileServiceHandlers['Download'] = async (call) => {
  const size = requestedSize(call.request.size);
  if (typeof size !== 'number') {
    call.emit('error', size);
    return;
  }
  // TODO: send the file textFile(call.request.name, size) makes, chunk by
  // chunk, so that no message comes near the receiver's 4 MiB limit whatever
  // the file's size: { name, offset, data } for each chunk, the name on the
  // first one only, the offset where the chunk starts in the file. Then a
  // last chunk with no data and the SHA-256 (hex) of every byte sent, and the
  // end of the stream. Stop if the client leaves, and when write() returns
  // false, wait until the call has sent what it holds before the next chunk.
  call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'Download is not written yet' });
};

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  // The limit on what this server receives; what it sends has none (-1) by default.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES, ...options });
  server.addService(rpc_package.FileService.service, { Put: put, Get: get, Upload: upload, Download: download });
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  const server = createServer();
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
  });
  // Graceful shutdown: refuse new calls, let running ones finish, then exit.
  // A call that never ends would hold that forever, so cut it off after 2 s.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

function serverFlags(): { host: string; port: number } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '50051' } },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    return { host: values.host, port };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

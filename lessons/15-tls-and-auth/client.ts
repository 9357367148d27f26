// A client with TLS channel credentials (the CA it trusts, and its own
// certificate for mTLS) and call credentials (a bearer token), then each piece
// taken away in turn, to see who refuses the call and how.
//   npx tsx lessons/15-tls-and-auth/client.ts [--target H:P] [--name N]...
// It reads the CA's certificate and its client certificate and key from
// $TMPDIR/grpc-lesson-15-P/, where this lesson's server on port P put them.
import { readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// Two tokens the server knows: ada's may greet, the viewer's may only read.
// Real tokens come from an identity provider, one per user, and expire.
const ADA_TOKEN = 'lesson-15-ada';
const VIEWER_TOKEN = 'lesson-15-viewer';

// The server's certificate names localhost and 127.0.0.1. Dialled by IP,
// grpc-js would send the IP as the TLS server name, which TLS does not allow
// (Node warns); this sends and checks the name "localhost" instead.
const CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.ssl_target_name_override': 'localhost' };

/** Where this lesson's server listening on the target's port left what a client needs. */
function clientFilesDir(target: string): string {
  return join(tmpdir(), `grpc-lesson-15-${target.slice(target.lastIndexOf(':') + 1)}`);
}

function readClientFiles(dir: string): { ca: Buffer; key: Buffer; cert: Buffer } {
  try {
    const read = (file: string) => readFileSync(join(dir, file));
    return { ca: read('ca.pem'), key: read('client-key.pem'), cert: read('client.pem') };
  } catch {
    throw new Error(`no certificates in ${dir}: start this lesson's server first, it writes them there`);
  }
}

/** Call credentials: metadata made for each call, here one header. */
function bearer(token: string): grpc.CallCredentials {
  return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });
}

export async function runClient({ target, names = ['Ada'] }: { target: string; names?: string[] }): Promise<void> {
  const [name = 'world'] = names;
  const files = readClientFiles(clientFilesDir(target));
  // Channel credentials say how to secure the connection: the CA that must
  // have signed the server's certificate, and our own key and certificate,
  // which the server asks for (mutual TLS).
  const tls = grpc.credentials.createSsl(files.ca, files.key, files.cert);
  // Combined with call credentials, every call on this channel carries ada's token.
  const client = new rpc_package.HelloWorldService(
    target,
    grpc.credentials.combineChannelCredentials(tls, bearer(ADA_TOKEN)),
    CHANNEL_OPTIONS,
  );
  const withoutToken = new rpc_package.HelloWorldService(target, tls, CHANNEL_OPTIONS);
  // Trusts the CA but has no certificate of its own to show.
  const withoutCertificate = new rpc_package.HelloWorldService(
    target,
    grpc.credentials.combineChannelCredentials(grpc.credentials.createSsl(files.ca), bearer(ADA_TOKEN)),
    CHANNEL_OPTIONS,
  );
  const insecure = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  // A plaintext server, started here only to see what a TLS client makes of one.
  const plaintextServer = new grpc.Server();
  const plaintextPort = await new Promise<number>((resolve, reject) =>
    plaintextServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  const toPlaintext = new rpc_package.HelloWorldService(`127.0.0.1:${plaintextPort}`, tls, CHANNEL_OPTIONS);
  try {
    console.log(`mTLS, ada's token: ${(await sayHello(client, name)).message}`);
    await report('insecure client, TLS server', sayHello(insecure, name));
    await report('TLS client, plaintext server', sayHello(toPlaintext, name));
    await report('TLS without a client certificate', sayHello(withoutCertificate, name));
    await report('mTLS, no token', sayHello(withoutToken, name));
    // Call credentials can also be given to one call, on top of the channel's.
    await report("mTLS, viewer's token", sayHello(withoutToken, name, bearer(VIEWER_TOKEN)));
    try {
      // A token sent without TLS is readable by anyone on the path, so grpc-js
      // refuses to combine call credentials with insecure channel credentials.
      grpc.credentials.combineChannelCredentials(grpc.credentials.createInsecure(), bearer(ADA_TOKEN));
      console.log('a token on an insecure channel: accepted');
    } catch (error) {
      console.log(`a token on an insecure channel: refused before any call: ${(error as Error).message}`);
    }
  } finally {
    for (const each of [client, withoutToken, withoutCertificate, insecure, toPlaintext]) each.close();
    plaintextServer.forceShutdown();
  }
}

function sayHello(
  client: HelloWorldServiceClient,
  name: string,
  credentials?: grpc.CallCredentials,
): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline: Date.now() + 5_000, credentials }, (error, reply) => {
      if (error) reject(error);
      else resolve(reply!);
    });
  });
}

/** One line: the reply, or the status the call ended with. */
async function report(label: string, call: Promise<HelloReply__Output>): Promise<void> {
  try {
    console.log(`${label}: ${(await call).message}`);
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    const reason = code === grpc.status.UNAVAILABLE ? connectionError(details) : details;
    console.log(`${label}: ${grpc.status[code]} (status ${code}): ${reason}`);
  }
}

/**
 * A call that found no connection ends UNAVAILABLE, with the last connection
 * error in its details (and a timestamp). For a failed TLS handshake that is
 * OpenSSL's error string, whose reason is its fifth field:
 * "<id>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:...".
 */
function connectionError(details: string): string {
  const last = /Last error: (?:Error: )?([\s\S]*?)(?: \(\d{4}-[^)]*\))?\.? Resolution note/.exec(details)?.[1];
  if (last === undefined) return details;
  return /:SSL routines:[^:]*:([^:]+):/.exec(last)?.[1] ?? last.trim();
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

// Exercise: write the interceptor that checks each call's bearer token (lesson 15, exercise 1).
// Your copy is exercises/15-tls-and-auth/server.ts; `npm run verify -- 15`
// runs it and calls it over mTLS, as the lesson's client does, with a good
// token, none, a wrong one and one without the scope. `npm run exercise -- hint 15`
// gives a hint. The rest of the file already works: it is lesson 15's server
// (TLS, client certificates, the CA files it writes for clients).
//   npx tsx exercises/15-tls-and-auth/server.ts [--host H] [--port P]
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { generate, type SelfsignedOptions } from 'selfsigned';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The same contract and load options as lesson 01 (see its server.ts for each option).
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** Ask every client for a certificate signed by our CA, and end the handshake of one without it. */
const REQUIRE_CLIENT_CERTIFICATE = true;
/** The name in the client certificate this server issues: the identity the handler reads back. */
const CLIENT_NAME = 'lesson-15-client';

// Tokens this server accepts, and what each one may do. A real service checks
// a signed token (a JWT from its identity provider, say) instead of a list.
// The list is keyed by each token's SHA-256: a lookup by the token itself
// compares strings, which returns sooner the earlier a guess goes wrong.
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const GRANTS = new Map([
  [sha256('lesson-15-ada'), { user: 'ada', scopes: ['greet'] }],
  [sha256('lesson-15-viewer'), { user: 'viewer', scopes: ['read'] }],
]);
// The scope each method needs. A method missing here is refused to everyone:
// deny by default, so a method added later is not open by accident.
const REQUIRED_SCOPE: Record<string, string> = {
  '/rpc_package.HelloWorldService/SayHello': 'greet',
};

/** PEM text: the CA's certificate, this server's key and certificate, and a client's. */
export interface Certificates {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

// P-256 keys are made in milliseconds (an RSA key takes far longer), and
// SHA-256 signatures are what TLS libraries accept today (selfsigned's
// default is still SHA-1). A day is long enough for a lesson: short-lived
// certificates are replaced, not revoked.
const KEY_OPTIONS: SelfsignedOptions = {
  keyType: 'ec',
  curve: 'P-256',
  algorithm: 'sha256',
  notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
};

/** A private CA, and a server and a client certificate that it signs. */
export async function issueCertificates(): Promise<Certificates> {
  // The CA's certificate is what both sides trust. Its key signs the two
  // certificates below and is then dropped: nothing else can be signed.
  const ca = await generate([{ name: 'commonName', value: 'lesson 15 CA' }], {
    ...KEY_OPTIONS,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signedByCa = { ...KEY_OPTIONS, ca: { key: ca.private, cert: ca.cert } };
  // A client checks the name it dialled against the subject alternative
  // names, not the common name: list every name clients use for this server.
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...signedByCa,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // clientAuth: this certificate can identify a client, not serve as a server.
  const client = await generate([{ name: 'commonName', value: CLIENT_NAME }], {
    ...signedByCa,
    extensions: [
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return {
    ca: ca.cert,
    serverKey: server.private,
    serverCert: server.cert,
    clientKey: client.private,
    clientCert: client.cert,
  };
}

/** TLS with this server's certificate; clients must show one signed by the CA. */
export function serverCredentials(certificates: Certificates): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(
    // Whom client certificates must be signed by.
    Buffer.from(certificates.ca),
    // What this server shows: its key stays here, its certificate goes to every client.
    [{ private_key: Buffer.from(certificates.serverKey), cert_chain: Buffer.from(certificates.serverCert) }],
    REQUIRE_CLIENT_CERTIFICATE,
  );
}

const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const { name } = call.request;
  if (name.trim() === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  // The handshake checked the client's certificate before any call could
  // start; the auth context says whom it was issued to. grpc-js fills it in
  // only for a certificate it verified: without mTLS it is empty, TLS or not.
  const peer = call.getAuthContext().sslPeerCertificate?.subject.CN;
  callback(null, { message: `Hello, ${name}! (client certificate CN=${peer ?? 'none'})` });
};

const methodName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The grant of the one `authorization: Bearer <token>` header, if it names a token we issued. */
function grantOf(metadata: grpc.Metadata) {
  const values = metadata.get('authorization');
  if (values.length !== 1 || typeof values[0] !== 'string' || !values[0].startsWith('Bearer ')) return undefined;
  return GRANTS.get(sha256(values[0].slice('Bearer '.length)));
}

// Tokens are checked in an interceptor, as in lesson 09, before any handler
// runs. Two different answers: UNAUTHENTICATED when we cannot tell who is
// calling, PERMISSION_DENIED when we can and they may not do this.
const authorize: grpc.ServerInterceptor = (methodDefinition, call) => {
  const method = methodName(methodDefinition.path);
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      // TODO: let the call go on to the handler (next) only when it carries a
      // token we issued whose grant has the scope its method needs. Refuse it
      // otherwise, here, before any handler runs, with a status: one code when
      // we cannot tell who is calling (no token, or one we never issued),
      // another when we can and they may not call this method.
      const grant = grantOf(metadata);
      console.log(
        `[auth] ${method}: ${grant?.user ?? 'no valid token'}, needs scope ${REQUIRED_SCOPE[methodDefinition.path]}`,
      );
      next(metadata);
    })
    .build();
  return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
};

/** A server with this lesson's service on it, not yet bound: bind it with serverCredentials(). */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  // Interceptors passed in `options` come first: they wrap this server's own.
  const server = new grpc.Server({
    ...options,
    interceptors: [...(options?.interceptors ?? []), authorize],
  });
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

/** Where the server listening on `port` leaves what its clients need. */
export function clientFilesDir(port: number): string {
  return join(tmpdir(), `grpc-lesson-15-${port}`);
}

/**
 * Writes the CA's certificate and the client's certificate and key to `dir`,
 * readable by this user only. The server's own key and the CA's never leave memory.
 */
export function writeClientFiles(dir: string, certificates: Certificates): void {
  // Left over from a server on this port that was killed: ours now, since we hold the port.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'ca.pem'), certificates.ca);
  writeFileSync(join(dir, 'client.pem'), certificates.clientCert);
  writeFileSync(join(dir, 'client-key.pem'), certificates.clientKey, { mode: 0o600 });
}

async function main(): Promise<void> {
  const { host, port } = serverFlags();
  const server = createServer();
  // Graceful shutdown: refuse new calls, let running ones finish, then exit.
  // A call that never ends would hold that forever, so cut it off after 2 s.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const certificates = await issueCertificates();
  // TLS credentials instead of insecure ones: the only change to serving.
  server.bindAsync(`${host}:${port}`, serverCredentials(certificates), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    const dir = clientFilesDir(boundPort);
    writeClientFiles(dir, certificates);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    console.log(`listening on ${host}:${boundPort}`);
    console.log(`TLS, client certificates required; client files in ${dir}`);
  });
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
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

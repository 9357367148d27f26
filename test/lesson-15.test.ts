// Lesson 15: TLS, mTLS and tokens, judged by the server. Its handlers are
// watched from outside (who ran, and which certificate the auth context
// named) and an outer interceptor records every call that reached the server
// and the status it got; a call that fails at the handshake never gets there.
// The bytes on the connection are read by a TCP relay in between, not taken
// from grpc-js's word for what it encrypted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld, PROTO_DIR } from '../src/proto.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import type { HelloReply__Output } from '../src/generated/rpc_package/HelloReply.js';
import {
  clientFilesDir,
  createServer,
  issueCertificates,
  serverCredentials,
  writeClientFiles,
  type Certificates,
} from '../lessons/15-tls-and-auth/server.js';
import { runClient } from '../lessons/15-tls-and-auth/client.js';
import {
  PYTHON,
  ROOT,
  generatePythonCode,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  stopProcess,
  waitFor,
} from './helpers.js';
import { listen } from '../src/runtime/serve.js';

/** Every test here ends in a few seconds; a hang fails by name. */
const BOUND = { timeout: 30_000 };
const CLIENT_NAME = 'lesson-15-client';
const { rpc_package } = loadHelloWorld();
const nameOverride = { 'grpc.ssl_target_name_override': 'localhost' };

/** What the server saw of one call: at the outermost interceptor, and in the handler if it ran. */
interface SeenCall {
  path: string;
  /** The status the server sent, once it has. */
  code?: grpc.status;
  details?: string;
}
interface HandlerRun {
  name: string;
  securityType?: string;
  peerName?: string;
}

interface WatchedServer {
  port: number;
  calls: SeenCall[];
  handled: HandlerRun[];
  stop(): void;
}

/**
 * The lesson's server, bound with `credentials`, with an interceptor outside
 * the lesson's own and its handlers wrapped as createServer adds them.
 */
async function startWatchedServer(credentials: grpc.ServerCredentials): Promise<WatchedServer> {
  const calls: SeenCall[] = [];
  const handled: HandlerRun[] = [];
  const observe: grpc.ServerInterceptor = (methodDefinition, call) => {
    const seen: SeenCall = { path: methodDefinition.path };
    calls.push(seen);
    const responder = new grpc.ResponderBuilder()
      .withSendStatus((status, next) => {
        seen.code = status.code;
        seen.details = status.details;
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpc.Server, service, implementation) {
    const { SayHello } = implementation as { SayHello: grpc.handleUnaryCall<{ name: string }, unknown> };
    addService.call(this, service, {
      SayHello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const auth = call.getAuthContext();
        const cn = auth.sslPeerCertificate?.subject.CN;
        handled.push({ name: call.request.name, securityType: auth.transportSecurityType, peerName: cn && String(cn) });
        SayHello(call, callback);
      },
    });
  };
  let server: grpc.Server;
  try {
    server = createServer({ interceptors: [observe] });
  } finally {
    grpc.Server.prototype.addService = addService;
  }
  const port = await listen(server, '127.0.0.1', 0, credentials);
  return { port, calls, handled, stop: () => server.forceShutdown() };
}

function sayHello(
  client: HelloWorldServiceClient,
  name: string,
  callCredentials?: grpc.CallCredentials,
): Promise<{ code: grpc.status; details: string; reply?: HelloReply__Output }> {
  return new Promise((resolve) =>
    client.SayHello({ name }, { deadline: Date.now() + 5_000, credentials: callCredentials }, (error, reply) =>
      resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: '', reply }),
    ),
  );
}

function bearer(token: string): grpc.CallCredentials {
  return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });
}

/** A TCP relay that keeps every byte each way, and says when its connections have closed. */
async function capturingRelay(port: number) {
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  const sockets = new Set<Socket>();
  let closed = 0;
  const relay = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        closed += 1;
      });
    }
    client.on('data', (chunk: Buffer) => {
      up.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down.push(chunk);
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${(relay.address() as AddressInfo).port}`,
    up: () => Buffer.concat(up),
    down: () => Buffer.concat(down),
    /** Both sockets of every connection so far have closed. */
    allClosed: () => closed > 0 && sockets.size === 0,
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

/** The content types of the TLS records that make up `bytes`; throws if they do not add up to exactly `bytes`. */
function tlsRecordTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    types.push(bytes[at]);
    at += 5 + bytes.readUInt16BE(at + 3);
  }
  assert.equal(at, bytes.length, 'the bytes are not a whole number of TLS records');
  return types;
}

const TLS_CONTENT_TYPES = new Set([20, 21, 22, 23]); // change_cipher_spec, alert, handshake, application_data

describe('lesson 15: TLS, mTLS and tokens, seen from the server', () => {
  let certificates: Certificates;
  let secure: WatchedServer;
  let plaintext: WatchedServer;
  let tlsCredentials: grpc.ChannelCredentials;
  before(async () => {
    certificates = await issueCertificates();
    secure = await startWatchedServer(serverCredentials(certificates));
    plaintext = await startWatchedServer(grpc.ServerCredentials.createInsecure());
    writeClientFiles(clientFilesDir(secure.port), certificates);
    tlsCredentials = grpc.credentials.createSsl(
      Buffer.from(certificates.ca),
      Buffer.from(certificates.clientKey),
      Buffer.from(certificates.clientCert),
    );
  });
  after(() => {
    secure.stop();
    plaintext.stop();
    rmSync(clientFilesDir(secure.port), { recursive: true, force: true });
  });

  describe("the lesson's client, run once", () => {
    const printed: string[] = [];
    let callsBefore = 0;
    before(async () => {
      callsBefore = secure.calls.length;
      const log = console.log;
      console.log = (line: string) => printed.push(line);
      try {
        await runClient({ target: `127.0.0.1:${secure.port}` });
      } finally {
        console.log = log;
      }
    });

    test('prints the output the lesson list gives', () => {
      // The server runs in this process too: its [auth] lines are not the client's.
      assert.deepEqual(
        printed.filter((line) => !line.startsWith('[auth] ')),
        lesson('15').output,
      );
    });

    test('three of its seven attempts reached the server: ada, no token, the viewer; the others failed before any call', () => {
      const reached = secure.calls.slice(callsBefore);
      assert.deepEqual(
        reached.map((call) => [call.path, call.code]),
        [
          ['/rpc_package.HelloWorldService/SayHello', grpc.status.OK],
          ['/rpc_package.HelloWorldService/SayHello', grpc.status.UNAUTHENTICATED],
          ['/rpc_package.HelloWorldService/SayHello', grpc.status.PERMISSION_DENIED],
        ],
      );
    });
  });

  test(
    "a call with a client certificate and ada's token runs the handler, which reads the certificate's CN from the auth context",
    BOUND,
    async () => {
      const client = new rpc_package.HelloWorldService(
        `127.0.0.1:${secure.port}`,
        grpc.credentials.combineChannelCredentials(tlsCredentials, bearer('lesson-15-ada')),
        nameOverride,
      );
      try {
        const before = secure.handled.length;
        const result = await sayHello(client, 'Grace');
        assert.equal(result.code, grpc.status.OK, result.details);
        assert.deepEqual(secure.handled.slice(before), [{ name: 'Grace', securityType: 'ssl', peerName: CLIENT_NAME }]);
        assert.equal(result.reply?.message, `Hello, Grace! (client certificate CN=${CLIENT_NAME})`);
      } finally {
        client.close();
      }
    },
  );

  test('no token: the interceptor answers UNAUTHENTICATED and the handler never runs', BOUND, async () => {
    const client = new rpc_package.HelloWorldService(`127.0.0.1:${secure.port}`, tlsCredentials, nameOverride);
    try {
      const [callsBefore, handledBefore] = [secure.calls.length, secure.handled.length];
      const result = await sayHello(client, 'Grace');
      assert.equal(result.code, grpc.status.UNAUTHENTICATED);
      assert.deepEqual(
        secure.calls.slice(callsBefore).map((call) => call.code),
        [grpc.status.UNAUTHENTICATED],
      );
      // A token the server never issued is no better than none.
      const forged = await sayHello(client, 'Grace', bearer('lesson-15-adb'));
      assert.equal(forged.code, grpc.status.UNAUTHENTICATED);
      assert.equal(secure.handled.length, handledBefore);
    } finally {
      client.close();
    }
  });

  test(
    "the viewer's token, which lacks scope greet: PERMISSION_DENIED from the interceptor, the handler never runs",
    BOUND,
    async () => {
      const client = new rpc_package.HelloWorldService(`127.0.0.1:${secure.port}`, tlsCredentials, nameOverride);
      try {
        const [callsBefore, handledBefore] = [secure.calls.length, secure.handled.length];
        const result = await sayHello(client, 'Grace', bearer('lesson-15-viewer'));
        assert.equal(result.code, grpc.status.PERMISSION_DENIED);
        assert.deepEqual(
          secure.calls.slice(callsBefore).map((call) => [call.code, call.details]),
          [[grpc.status.PERMISSION_DENIED, 'viewer may not call SayHello (needs scope greet)']],
        );
        assert.equal(secure.handled.length, handledBefore);
      } finally {
        client.close();
      }
    },
  );

  test(
    'without a client certificate, with one another CA signed, or without TLS, no call ever reaches the server: the connection fails first',
    BOUND,
    async () => {
      const withToken = (channel: grpc.ChannelCredentials) =>
        grpc.credentials.combineChannelCredentials(channel, bearer('lesson-15-ada'));
      // A certificate of the right shape and name, from a CA this server never trusted.
      const stranger = await issueCertificates();
      const foreignCertificate = new rpc_package.HelloWorldService(
        `127.0.0.1:${secure.port}`,
        withToken(
          grpc.credentials.createSsl(
            Buffer.from(certificates.ca),
            Buffer.from(stranger.clientKey),
            Buffer.from(stranger.clientCert),
          ),
        ),
        nameOverride,
      );
      const withoutCertificate = new rpc_package.HelloWorldService(
        `127.0.0.1:${secure.port}`,
        grpc.credentials.combineChannelCredentials(
          grpc.credentials.createSsl(Buffer.from(certificates.ca)),
          bearer('lesson-15-ada'),
        ),
        nameOverride,
      );
      const insecure = new rpc_package.HelloWorldService(`127.0.0.1:${secure.port}`, grpc.credentials.createInsecure());
      try {
        const callsBefore = secure.calls.length;
        const noCertificate = await sayHello(withoutCertificate, 'Grace');
        assert.equal(noCertificate.code, grpc.status.UNAVAILABLE);
        assert.match(noCertificate.details, /alert certificate required/);
        const foreign = await sayHello(foreignCertificate, 'Grace');
        assert.equal(foreign.code, grpc.status.UNAVAILABLE);
        const noTls = await sayHello(insecure, 'Grace');
        assert.equal(noTls.code, grpc.status.UNAVAILABLE);
        assert.equal(secure.calls.length, callsBefore, 'a call reached the server');
      } finally {
        withoutCertificate.close();
        foreignCertificate.close();
        insecure.close();
      }
    },
  );

  test(
    'on the TCP connection a TLS call is TLS records only: no name, no reply, no token in the clear',
    BOUND,
    async () => {
      const relay = await capturingRelay(secure.port);
      const client = new rpc_package.HelloWorldService(
        relay.target,
        grpc.credentials.combineChannelCredentials(tlsCredentials, bearer('lesson-15-ada')),
        nameOverride,
      );
      try {
        const result = await sayHello(client, 'Ada Lovelace');
        assert.equal(result.code, grpc.status.OK, result.details);
        client.close();
        await waitFor(relay.allClosed, 'the relayed connection to close');
        const [up, down] = [relay.up(), relay.down()];
        // A TLS connection opens with a handshake record (22), then a ClientHello (1).
        assert.deepEqual([up[0], up[5]], [22, 1]);
        for (const bytes of [up, down]) {
          assert.ok(
            tlsRecordTypes(bytes).every((type) => TLS_CONTENT_TYPES.has(type)),
            'a byte run that is no TLS record',
          );
          for (const text of ['Ada Lovelace', 'Hello, Ada', 'lesson-15-ada', 'SayHello', 'PRI * HTTP/2.0'])
            assert.equal(bytes.indexOf(text), -1, `"${text}" crossed the wire in the clear`);
        }
      } finally {
        client.close();
        relay.close();
      }
    },
  );

  test(
    'the same call without TLS: the HTTP/2 preface, the name and the reply cross in the clear, and grpc-js sends a per-call token too',
    BOUND,
    async () => {
      const relay = await capturingRelay(plaintext.port);
      const client = new rpc_package.HelloWorldService(relay.target, grpc.credentials.createInsecure());
      try {
        // Per-call credentials on an insecure channel: grpc-js sends them (only
        // combineChannelCredentials refuses), and the server accepts the token.
        const result = await sayHello(client, 'Ada Lovelace', bearer('lesson-15-ada'));
        assert.equal(result.code, grpc.status.OK, result.details);
        assert.deepEqual(plaintext.handled.at(-1), {
          name: 'Ada Lovelace',
          securityType: undefined,
          peerName: undefined,
        });
        client.close();
        await waitFor(relay.allClosed, 'the relayed connection to close');
        assert.equal(relay.up().subarray(0, 14).toString('latin1'), 'PRI * HTTP/2.0');
        assert.notEqual(relay.up().indexOf('Ada Lovelace'), -1);
        assert.notEqual(relay.down().indexOf('Hello, Ada Lovelace!'), -1);
      } finally {
        client.close();
        relay.close();
      }
    },
  );
});

describe('lesson 15: the server program and its files', () => {
  test(
    'writes the CA certificate and the client certificate and key, for this user only, to a folder named by its port, and removes it on SIGTERM',
    BOUND,
    async () => {
      const server = spawnProcess(process.execPath, ['--import', 'tsx', lesson('15').serverPath, '--port', '0']);
      try {
        // The files are written before the listening line; the line naming them comes right after it.
        const [, port, dir] = await waitFor(
          () => /^listening on 127\.0\.0\.1:(\d+)\n.*client files in (\S+)\n/m.exec(server.stdout()),
          'the listening line and the one naming the client files',
          20_000,
        );
        assert.equal(dir, clientFilesDir(Number(port)));
        assert.deepEqual(readdirSync(dir).sort(), ['ca.pem', 'client-key.pem', 'client.pem']);
        assert.equal(statSync(dir).mode & 0o777, 0o700);
        assert.equal(statSync(join(dir, 'client-key.pem')).mode & 0o777, 0o600);
        const read = (file: string) => readFileSync(join(dir, file), 'utf8');
        // Only the client's own key: neither the CA's nor the server's leaves the server.
        assert.doesNotMatch(read('ca.pem') + read('client.pem'), /PRIVATE KEY/);
        const ca = new X509Certificate(read('ca.pem'));
        const clientCertificate = new X509Certificate(read('client.pem'));
        assert.equal(ca.ca, true);
        assert.equal(clientCertificate.ca, false);
        assert.ok(clientCertificate.checkIssued(ca) && clientCertificate.verify(ca.publicKey), 'not signed by the CA');
        assert.match(clientCertificate.subject, new RegExp(`CN=${CLIENT_NAME}`));
        assert.ok(clientCertificate.checkPrivateKey(createPrivateKey(read('client-key.pem'))));
        // The server's certificate, as any TLS client sees it: signed by the CA (or the connection
        // fails), with both names a client may dial in its subject alternative names.
        const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
          const socket = tls.connect(
            {
              host: '127.0.0.1',
              port: Number(port),
              servername: 'localhost',
              ca: read('ca.pem'),
              key: read('client-key.pem'),
              cert: read('client.pem'),
              ALPNProtocols: ['h2'],
            },
            () => {
              resolve(socket.getPeerCertificate());
              socket.destroy();
            },
          );
          socket.on('error', reject);
        });
        assert.match(peer.subjectaltname ?? '', /DNS:localhost/);
        assert.match(peer.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);
        server.child.kill('SIGTERM');
        assert.deepEqual(await server.exited, { code: 0, signal: null });
        assert.equal(existsSync(dir), false, `${dir} is still there`);
      } finally {
        await stopProcess(server);
      }
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 15's Python interop test: ${missing}`);

describe('lesson 15 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  let certificates: Certificates;
  let secure: WatchedServer;
  let plaintext: WatchedServer;
  before(async () => {
    genDir = mkdtempSync(join(tmpdir(), 'lesson-15-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'helloworld.proto')]);
    certificates = await issueCertificates();
    secure = await startWatchedServer(serverCredentials(certificates));
    plaintext = await startWatchedServer(grpc.ServerCredentials.createInsecure());
    writeClientFiles(clientFilesDir(secure.port), certificates);
  });
  after(() => {
    secure.stop();
    plaintext.stop();
    rmSync(clientFilesDir(secure.port), { recursive: true, force: true });
    rmSync(genDir, { recursive: true, force: true });
  });

  test(
    "a Python client with the lesson's certificates and tokens: greeted with its CN, refused without a token or the scope",
    BOUND,
    async () => {
      const python = spawnProcess(PYTHON, [
        join(ROOT, 'test/python/lesson_15.py'),
        genDir,
        `127.0.0.1:${secure.port}`,
        clientFilesDir(secure.port),
        `127.0.0.1:${plaintext.port}`,
      ]);
      const { code } = await python.exited;
      assert.equal(code, 0, python.stderr());
      assert.deepEqual(python.stdout().trim().split('\n'), [
        `mTLS, ada's token: Hello, Python! (client certificate CN=${CLIENT_NAME})`,
        'mTLS, no token: UNAUTHENTICATED: missing or unknown bearer token',
        "mTLS, viewer's token: PERMISSION_DENIED: viewer may not call SayHello (needs scope greet)",
        'TLS without a client certificate: UNAVAILABLE',
        'a token on an insecure channel: UNAUTHENTICATED: Established channel does not have a sufficient security level to transfer call credential.',
      ]);
      // The server's side: one handler run, for the call with the token, and the CN of Python's certificate.
      assert.deepEqual(secure.handled, [{ name: 'Python', securityType: 'ssl', peerName: CLIENT_NAME }]);
      assert.deepEqual(
        secure.calls.map((call) => call.code),
        [grpc.status.OK, grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED],
      );
      // grpcio refused to send the token without TLS: the plaintext server never heard of the call.
      assert.deepEqual(plaintext.calls, []);
    },
  );
});

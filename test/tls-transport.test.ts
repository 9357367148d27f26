// The connection under each call: the wire tap's row for it (TLS and what
// its handshake agreed, or plaintext h2c), the bytes TLS added while a call
// was open, the server's line for each TLS connection it accepts, and what
// the timeline, the wire view and the transcript make of them. Each is held
// against a reading that is not the tap's: the server's own TLS sockets, the
// certificates themselves, and the TLS records a TCP relay carried.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import http2 from 'node:http2';
import { rmSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { WireEvent } from '../src/instrument/events.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import { readByteCounters, serverTlsLine } from '../src/instrument/tls.js';
import { formatWireEvent, PLAINTEXT_TRANSPORT, transportText } from '../src/runner/format.js';
import { runTranscript } from '../src/runner/transcript.js';
import { UiStore, type TimelineRow } from '../src/ui/store.js';
import { timelineLine } from '../src/ui/timeline.js';
import { wireLines } from '../src/ui/wire-lines.js';
import { lineText } from '../src/ui/styled.js';
import { listen } from '../src/runtime/serve.js';
import { loadHelloWorld } from '../src/proto.js';
import {
  clientFilesDir,
  createServer,
  issueCertificates,
  serverCredentials,
  writeClientFiles,
  type Certificates,
} from '../lessons/15-tls-and-auth/server.js';
import { helloClient, lesson, startLessonServer, tapped, tappedRun, waitFor, type RunningServer } from './helpers.js';

const BOUND = { timeout: 60_000 };
const { rpc_package } = loadHelloWorld();
type Transport = Extract<WireEvent, { type: 'transport' }>;
type Status = Extract<WireEvent, { type: 'status' }>;

const transports = (events: WireEvent[]) => events.filter((event): event is Transport => event.type === 'transport');
const requestHeaders = (events: WireEvent[], call: number) =>
  events.find((event) => event.type === 'headers' && event.kind === 'request' && event.call === call) as
    Extract<WireEvent, { type: 'headers' }> | undefined;
const statusOf = (events: WireEvent[], call: number) =>
  events.find((event): event is Status => event.type === 'status' && event.call === call);

/** Lesson 15's server in this process, with every TLS socket its http2 server accepts kept. */
async function startTlsServer(certificates: Certificates) {
  const accepted: tls.TLSSocket[] = [];
  const createSecureServer = http2.createSecureServer;
  http2.createSecureServer = function (this: unknown, ...args: unknown[]) {
    const server = (createSecureServer as (...all: unknown[]) => http2.Http2SecureServer).apply(this, args);
    server.on('secureConnection', (socket: tls.TLSSocket) => accepted.push(socket));
    return server;
  } as typeof http2.createSecureServer;
  const server = createServer();
  try {
    const port = await listen(server, '127.0.0.1', 0, serverCredentials(certificates));
    writeClientFiles(clientFilesDir(port), certificates);
    return { port, accepted, server };
  } finally {
    http2.createSecureServer = createSecureServer;
  }
}

/** A TCP relay to `port` that keeps every byte each way. */
async function capturingRelay(port: number) {
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  const sockets = new Set<Socket>();
  const relay = createTcpServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      up.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down.push(chunk);
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    up: () => Buffer.concat(up),
    down: () => Buffer.concat(down),
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

/**
 * The TLS 1.3 records in `bytes`: their bytes on TCP, and the bytes they
 * carry. An AES-GCM record is a 5-byte header, then the content, one byte of
 * content type and a 16-byte tag (Node adds no padding).
 */
function tlsRecords(bytes: Buffer): { onTcp: number; carried: number; records: number } {
  let at = 0;
  let carried = 0;
  let records = 0;
  while (at + 5 <= bytes.length) {
    assert.equal(bytes[at], 23, 'after the handshake every TLS 1.3 record is application data on the outside');
    const length = bytes.readUInt16BE(at + 3);
    carried += length - 1 - 16;
    records += 1;
    at += 5 + length;
  }
  assert.equal(at, bytes.length, 'the bytes are not a whole number of TLS records');
  return { onTcp: at, carried, records };
}

function sayHello(client: HelloWorldServiceClient, name: string, metadata = new grpc.Metadata()): Promise<void> {
  return new Promise((resolve, reject) =>
    client.SayHello({ name }, metadata, { deadline: Date.now() + 5_000 }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

describe('a TLS connection: the tap says what the handshake agreed', () => {
  let certificates: Certificates;
  let tlsServer: Awaited<ReturnType<typeof startTlsServer>>;
  let events: WireEvent[];
  before(async () => {
    certificates = await issueCertificates();
    tlsServer = await startTlsServer(certificates);
    events = await tappedRun('15', tlsServer.port, ['Ada']);
  });
  after(() => {
    tlsServer.server.forceShutdown();
    rmSync(clientFilesDir(tlsServer.port), { recursive: true, force: true });
  });

  test(
    "each connection that carried a call has one row with the protocol, cipher and ALPN the server's own TLS socket agreed, and the server's certificate",
    BOUND,
    () => {
      const rows = transports(events);
      // Ada's channel (call 1), and the channel without a token (calls 5 and 6); the other
      // attempts never got a connection. The server accepted the same two, in the same order.
      assert.deepEqual(
        rows.map((row) => row.call),
        [1, 5],
      );
      assert.equal(tlsServer.accepted.length, 2);
      const serverCert = new X509Certificate(certificates.serverCert);
      const clientCert = new X509Certificate(certificates.clientCert);
      for (const [index, row] of rows.entries()) {
        const seen = tlsServer.accepted[index];
        assert.ok(row.tls, `connection ${row.connection} has no TLS`);
        assert.equal(row.tls.protocol, seen.getProtocol());
        assert.equal(row.tls.cipher, seen.getCipher().standardName);
        assert.equal(row.tls.alpn, seen.alpnProtocol);
        assert.equal(row.tls.alpn, 'h2');
        assert.equal(row.peer, `127.0.0.1:${tlsServer.port}`);
        // The certificate the server showed, by its subject, its issuer and its fingerprint.
        assert.equal(row.tls.server?.subject, serverCert.subject);
        assert.equal(row.tls.server?.issuer, serverCert.issuer);
        assert.equal(row.tls.server?.fingerprint256, serverCert.fingerprint256);
        // The client's own certificate, which the server did receive (mTLS).
        assert.equal(row.tls.client?.subject, clientCert.subject);
        assert.equal(`CN=${seen.getPeerCertificate().subject.CN}`, clientCert.subject);
        const cipher = seen.getCipher().standardName;
        assert.equal(
          transportText(row),
          `TLS ${seen.getProtocol()!.slice('TLSv'.length)}  ${cipher}  ALPN h2  server cert CN=localhost, issuer CN=lesson 15 CA`,
        );
      }
      assert.notEqual(rows[0].connection, rows[1].connection);
    },
  );

  test("the row comes right before the first call's request headers; a later call on the connection names it and gets no row", () => {
    const types = events.filter((event) => event.call === 1).map((event) => event.type);
    assert.deepEqual(types.slice(types.indexOf('transport'), types.indexOf('transport') + 2), ['transport', 'headers']);
    const [ada, withoutToken] = transports(events);
    assert.equal(requestHeaders(events, 1)?.connection, ada.connection);
    assert.equal(requestHeaders(events, 5)?.connection, withoutToken.connection);
    assert.equal(requestHeaders(events, 6)?.connection, withoutToken.connection, 'call 6 rides call 5’s connection');
  });

  test('the wire view of a message on TLS says its bytes are what went into TLS, and what TLS added', () => {
    const store = new UiStore({ frameMs: 0 });
    try {
      store.openLesson(lesson('15'));
      store.apply({ type: 'client-start', run: 1 });
      store.apply({ type: 'wire', run: 1, events });
      const rows = store.state.timeline.slice(0) as TimelineRow[];
      const row = (match: (event: WireEvent) => boolean) => rows.find((candidate) => match(candidate.event))!;
      const transportRow = row((event) => event.type === 'transport');
      assert.match(
        lineText(timelineLine(transportRow)),
        /^ +\+\d+\.\d ms {2}TLS 1\.3 {2}TLS_AES_256_GCM_SHA384 {2}ALPN h2/,
      );
      const request = row(
        (event) => event.type === 'message' && event.call === 1 && event.direction === 'client->server',
      );
      const reply = row(
        (event) => event.type === 'message' && event.call === 1 && event.direction === 'server->client',
      );
      const bytes = statusOf(events, 1)!.tlsBytes!;
      const lines = (selected: TimelineRow) => wireLines(selected).map(lineText);
      const view = (selected: TimelineRow) => lines(selected).join('\n');
      // Prose wraps to fit 80 columns: read it as one text.
      const prose = (selected: TimelineRow) => lines(selected).join(' ').replace(/ +/g, ' ');
      // The TLS lines (after the title and the size, up to the first blank line) fit an 80-column wire view.
      const tlsLines = lines(request).slice(2, lines(request).indexOf('', 2));
      assert.ok(tlsLines.length >= 5, tlsLines.join('\n'));
      for (const line of [...tlsLines, ...lines(transportRow)]) assert.ok(line.length <= 76, `too wide: ${line}`);
      assert.match(
        prose(request),
        /TLS 1\.3 TLS_AES_256_GCM_SHA384: these bytes are what the client wrote before TLS encrypted them/,
      );
      assert.match(prose(reply), /these bytes are what TLS decrypted on arrival/);
      // The bytes the status brought, as measured, each way.
      const count = (value: number) => `${value.toLocaleString('en-US')} B`;
      const measured = (label: string, plain: number, onTcp: number) =>
        new RegExp(
          `^ +${label} +${count(plain)} of HTTP/2 +${count(onTcp)} on TCP +TLS added ${count(onTcp - plain)}$`,
        );
      for (const selected of [request, reply]) {
        assert.ok(
          lines(selected).some((line) => measured('sent', bytes.sent, bytes.sentOnTcp).test(line)),
          view(selected),
        );
        assert.ok(
          lines(selected).some((line) => measured('received', bytes.received, bytes.receivedOnTcp).test(line)),
          view(selected),
        );
      }
      // The request headers too: the token they carry went out inside TLS.
      const headers = row((event) => event.type === 'headers' && event.kind === 'request' && event.call === 1);
      assert.match(prose(headers), /these headers \(HPACK-compressed in a HEADERS frame\) are what the client wrote/);
      // The connection's own row opens on everything the handshake agreed.
      const connection = view(transportRow);
      assert.match(connection, /subject +CN=localhost/);
      assert.match(connection, /the client's own certificate \(mTLS\)\nsubject +CN=lesson-15-client/);
    } finally {
      store.dispose();
    }
  });
});

describe('the bytes TLS added while a call was open', () => {
  let certificates: Certificates;
  let tlsServer: Awaited<ReturnType<typeof startTlsServer>>;
  before(async () => {
    certificates = await issueCertificates();
    tlsServer = await startTlsServer(certificates);
  });
  after(() => {
    tlsServer.server.forceShutdown();
    rmSync(clientFilesDir(tlsServer.port), { recursive: true, force: true });
  });

  test('are the TLS records a TCP relay carried for the call, and the bytes those records hold', BOUND, async () => {
    const relay = await capturingRelay(tlsServer.port);
    // The client's TLS socket, to know when its bytes have all crossed the relay.
    let socket: tls.TLSSocket | undefined;
    const connectHttp2 = http2.connect;
    const client = new rpc_package.HelloWorldService(
      `127.0.0.1:${relay.port}`,
      grpc.credentials.createSsl(
        Buffer.from(certificates.ca),
        Buffer.from(certificates.clientKey),
        Buffer.from(certificates.clientCert),
      ),
      { 'grpc.ssl_target_name_override': 'localhost' },
    );
    const token = new grpc.Metadata();
    token.set('authorization', 'Bearer lesson-15-ada');
    const relayed: { up?: ReturnType<typeof tlsRecords>; down?: ReturnType<typeof tlsRecords> } = {};
    try {
      const { events, error } = await tapped(async () => {
        const tapConnect = http2.connect;
        http2.connect = function (this: unknown, ...args: Parameters<typeof http2.connect>) {
          const session = tapConnect.apply(this, args);
          socket = session.socket as tls.TLSSocket;
          return session;
        } as typeof http2.connect;
        try {
          await sayHello(client, 'Ada', token);
          // Everything the client has written and read so far has crossed the relay.
          const settled = () => {
            const counters = readByteCounters(socket!);
            return (
              counters !== undefined &&
              counters.writtenOnTcp === relay.up().length &&
              counters.readOnTcp === relay.down().length &&
              counters
            );
          };
          await waitFor(settled, 'the relay to carry what the client wrote and read');
          const from = { up: relay.up().length, down: relay.down().length };
          // A name of 20,000 bytes: more than one TLS record (16 KiB at most) each way.
          await sayHello(client, 'x'.repeat(20_000), token);
          await waitFor(settled, 'the relay to carry the second call');
          Object.assign(relayed, {
            up: tlsRecords(relay.up().subarray(from.up)),
            down: tlsRecords(relay.down().subarray(from.down)),
          });
        } finally {
          http2.connect = tapConnect;
        }
      });
      if (error) throw error;
      const bytes = statusOf(events, 2)?.tlsBytes;
      assert.ok(bytes, 'the second call ended with no byte counts');
      assert.deepEqual(bytes, {
        sent: relayed.up!.carried,
        sentOnTcp: relayed.up!.onTcp,
        received: relayed.down!.carried,
        receivedOnTcp: relayed.down!.onTcp,
      });
      assert.ok(relayed.up!.records >= 2 && relayed.down!.records >= 2, JSON.stringify(relayed));
      assert.ok(bytes.sent > 20_000 && bytes.received > 20_000);
    } finally {
      client.close();
      relay.close();
      assert.equal(http2.connect, connectHttp2);
    }
  });
});

describe("the server's line for each TLS connection it accepts", () => {
  let certificates: Certificates;
  before(async () => (certificates = await issueCertificates()));

  /** A TLS server of our own, asking or not for a client certificate; resolves with its line for one connection. */
  async function lineFor(requestCert: boolean): Promise<{ line: string; port: number; clientProtocol: string }> {
    let line: string | undefined;
    const server = tls.createServer(
      {
        key: certificates.serverKey,
        cert: certificates.serverCert,
        ca: certificates.ca,
        requestCert,
        ALPNProtocols: ['h2'],
      },
      (socket) => socket.on('error', () => {}),
    );
    server.on('secureConnection', (socket: tls.TLSSocket) => (line = serverTlsLine(socket)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = tls.connect({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: certificates.ca,
      key: certificates.clientKey,
      cert: certificates.clientCert,
      ALPNProtocols: ['h2'],
    });
    try {
      await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
      const found = await waitFor(() => line, "the server's line");
      return { line: found, port: client.localPort!, clientProtocol: client.getProtocol()! };
    } finally {
      client.destroy();
      server.close();
    }
  }

  test("names the client's certificate and its issuer when the server asks for one (mTLS), and says it was verified", async () => {
    const { line, port, clientProtocol } = await lineFor(true);
    const clientCert = new X509Certificate(certificates.clientCert);
    assert.equal(
      line,
      `TLS connection from 127.0.0.1:${port}: TLS ${clientProtocol.slice('TLSv'.length)}, TLS_AES_256_GCM_SHA384, ALPN h2, client certificate ${clientCert.subject} (issuer ${clientCert.issuer}, verified)`,
    );
  });

  test('says there was none when the server asks for none, though the client had one to show', async () => {
    const { line, port } = await lineFor(false);
    assert.match(
      line,
      new RegExp(`^TLS connection from 127\\.0\\.0\\.1:${port}: TLS 1\\.3, .*, no client certificate$`),
    );
  });
});

describe('a plaintext connection', () => {
  let server: RunningServer;
  before(async () => (server = await startLessonServer('1')));
  after(() => server.stop());

  test('has one row that says anyone on the path reads its bytes, and no byte counts', async () => {
    const client = helloClient(server.port);
    try {
      const { events, error } = await tapped(async () => {
        await sayHello(client, 'Ada');
        await sayHello(client, 'Grace');
      });
      if (error) throw error;
      const [row, ...more] = transports(events);
      assert.deepEqual(more, [], 'one connection, one row');
      assert.equal(row.call, 1);
      assert.equal(row.tls, undefined);
      assert.equal(row.peer, `127.0.0.1:${server.port}`);
      assert.equal(formatWireEvent(row), `${formatWireEvent(row).slice(0, 11)}  ${PLAINTEXT_TRANSPORT}`);
      assert.equal(requestHeaders(events, 2)?.connection, row.connection);
      assert.equal(statusOf(events, 1)?.tlsBytes, undefined);

      const store = new UiStore({ frameMs: 0 });
      try {
        store.openLesson(lesson('1'));
        store.apply({ type: 'wire', run: 1, events });
        const rows = store.state.timeline.slice(0) as TimelineRow[];
        const request = rows.find((candidate) => candidate.event.type === 'message')!;
        const view = wireLines(request).map(lineText).join(' ');
        assert.ok(view.includes(`${PLAINTEXT_TRANSPORT}: these bytes crossed the TCP connection as they are.`), view);
      } finally {
        store.dispose();
      }
    } finally {
      client.close();
    }
  });
});

describe('the transcript', () => {
  test(
    "of lesson 15 has the TLS row on its timeline and the server's line naming the client's certificate; of lesson 01, the plaintext row",
    { timeout: 90_000 },
    async () => {
      const lines: string[] = [];
      assert.equal(await runTranscript(lesson('15'), undefined, (line) => lines.push(line)), 0);
      const timeline = lines.slice(lines.indexOf('timeline (message sizes include the 5-byte gRPC prefix)'));
      const tlsRows = timeline.filter((line) => / {2}TLS 1\.3 {2}/.test(line));
      assert.equal(tlsRows.length, 2, timeline.join('\n'));
      for (const row of tlsRows)
        assert.match(
          row,
          /^ +\+\d+\.\d ms {2}TLS 1\.3 {2}TLS_AES_\w+ {2}ALPN h2 {2}server cert CN=localhost, issuer CN=lesson 15 CA$/,
        );
      // The server's lines, one per connection, from the same peer as the calls it then logged.
      const tlsLines = lines.filter((line) => line.startsWith('server │ TLS connection from '));
      assert.equal(tlsLines.length, 2, lines.join('\n'));
      const peers = (pattern: RegExp) => lines.map((line) => pattern.exec(line)?.[1]).filter(Boolean);
      assert.deepEqual(
        new Set(peers(/^server │ TLS connection from ([\d.:]+): /)),
        new Set(peers(/^server │ SayHello from ([\d.:]+): /)),
      );
      // The certificate it names is the one whose CN the handler read from grpc-js's auth context.
      const handlerSaw = /client certificate (CN=[^)]+)\)/.exec(
        lines.find((line) => line.startsWith('client │ mTLS'))!,
      )![1];
      for (const line of tlsLines)
        assert.ok(line.endsWith(`client certificate ${handlerSaw} (issuer CN=lesson 15 CA, verified)`), line);

      const plain: string[] = [];
      assert.equal(await runTranscript(lesson('1'), undefined, (line) => plain.push(line)), 0);
      assert.equal(plain.filter((line) => line.endsWith(`  ${PLAINTEXT_TRANSPORT}`)).length, 1, plain.join('\n'));
      assert.ok(!plain.some((line) => line.startsWith('server │ TLS connection')));
    },
  );
});

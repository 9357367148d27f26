// The wire view of one message as lines: what was sent (inflated, if it went
// compressed), field by field, behind the prefix that went out with it, and
// how its size compares with the same content as JSON.
import { CAPTURE_BYTES, GRPC_MESSAGE_PREFIX_BYTES } from '../instrument/events.js';
import { annotate, hexOf, jsonSize, messageTypeOf, WIRE_TYPES } from '../instrument/wire-format.js';
import { messagePreview } from '../instrument/decode.js';
import type { CallTransport, TimelineRow } from './store.js';
import { PLAINTEXT_TRANSPORT, transportText, type TransportEvent } from '../runner/format.js';
import { protocolName } from '../instrument/tls.js';
import { STATUS_DETAILS_HEADER, decodeStatusDetails } from '../instrument/status-details.js';
import type { Segment, StyledLine } from './styled.js';
import { wrapSegments } from './width.js';
import { CATALOGS, type Catalog } from '../i18n/catalog.js';

const HEX_COLUMN = 24;

export function wireLines(row: TimelineRow | undefined, _words: Catalog = CATALOGS.en): StyledLine[] {
  const event = row?.event;
  if (row && event?.type === 'headers') return headerLines(event, row.method, row.transport);
  if (event?.type === 'transport') return connectionLines(event);
  if (!row || !event || event.type !== 'message')
    return [
      [
        {
          text: 'Select a message, a headers row or a connection row in the timeline (↑/↓ there), then press w.',
          dim: true,
        },
      ],
    ];
  const toServer = event.direction === 'client->server';
  const type = row.method ? messageTypeOf(row.method, event.direction) : undefined;
  const bytes = event.bytes === undefined ? undefined : Buffer.from(event.bytes, 'base64');
  // Bytes a hostile peer sent may not decode at all: then there is no JSON to compare with.
  let json: number | undefined;
  try {
    json = bytes && type ? jsonSize(bytes, type) : undefined;
  } catch {
    json = undefined;
  }
  const payload = event.wireSize - GRPC_MESSAGE_PREFIX_BYTES;
  const encoding = event.encoding ?? 'an encoding the headers do not name';
  const lines: StyledLine[] = [
    [
      { text: toServer ? 'client ──▶ server' : 'client ◀── server', color: toServer ? 'blue' : 'green', bold: true },
      { text: `  ${row.method ?? 'unknown method'}  ` },
      { text: type?.name ?? '', color: 'cyan', bold: true },
      { text: `  at +${event.ms.toFixed(1)} ms`, dim: true },
    ],
    [
      { text: `protobuf ${event.size} B`, color: 'yellow', bold: true },
      ...(event.compressed ? [{ text: `, ${event.encoding ?? 'compressed'} ${payload} B`, color: 'magenta' }] : []),
      { text: ` + ${GRPC_MESSAGE_PREFIX_BYTES} B gRPC prefix = ${event.wireSize} B on the wire` },
      {
        text:
          json === undefined ? '' : `   the same as JSON: ${json} B (${(json / Math.max(1, event.size)).toFixed(1)}x)`,
        color: 'magenta',
      },
    ],
    ...transportLines(row.transport, toServer, 'message'),
    [],
  ];
  // Every gRPC message travels in HTTP/2 DATA frames behind a 5-byte prefix:
  // the compressed flag, then the length of what follows as sent.
  const prefix = Buffer.alloc(GRPC_MESSAGE_PREFIX_BYTES);
  prefix[0] = event.compressed ? 1 : 0;
  prefix.writeUInt32BE(payload, 1);
  lines.push([
    { text: 'gRPC prefix  ', bold: true },
    { text: hexOf(prefix), color: 'yellow' },
    {
      text: `   compressed flag ${prefix[0]} (${event.compressed ? `compressed: ${encoding}` : 'not compressed'}), then the length ${payload} as 4 bytes, big-endian`,
    },
  ]);
  if (event.compressed)
    lines.push([
      {
        text: `The ${payload} bytes after the prefix are ${encoding}-compressed; the receiver inflates them to the ${event.size} bytes of protobuf ${bytes ? 'below' : 'it decodes'}.`,
        color: 'magenta',
      },
    ]);
  lines.push([]);
  if (!bytes) {
    lines.push([
      { text: 'content  ', bold: true },
      { text: messagePreview(event, row.method), color: 'green' },
    ]);
    lines.push([
      {
        text: `bytes not kept: the wire view keeps messages up to ${CAPTURE_BYTES / 1024} KiB (decoded) field by field.`,
        color: 'yellow',
      },
    ]);
    return lines;
  }
  lines.push([
    {
      text: `${'offset'.padEnd(7)}${'bytes'.padEnd(HEX_COLUMN + 2)}${'field'.padEnd(22)}${'wire type'.padEnd(11)}value`,
      bold: true,
    },
  ]);
  try {
    for (const field of annotate(bytes, type)) {
      const indent = '  '.repeat(field.depth);
      const hex = field.hex.length > HEX_COLUMN ? `${field.hex.slice(0, HEX_COLUMN - 1)}…` : field.hex;
      lines.push([
        { text: String(field.offset).padEnd(7), dim: true },
        { text: hex.padEnd(HEX_COLUMN + 2), color: 'yellow' },
        {
          text: `${indent}${field.field} ${field.name}`.padEnd(22),
          color: field.name.startsWith('(') ? 'red' : 'cyan',
        },
        { text: `${field.wireType} ${WIRE_TYPES[field.wireType] ?? '?'}`.padEnd(11), dim: true },
        { text: `${field.value}`, color: 'green' },
        { text: `  ${field.type}`, dim: true },
      ]);
    }
  } catch (error) {
    lines.push([{ text: `cannot read further: ${(error as Error).message}`, color: 'red' }]);
  }
  lines.push([]);
  lines.push([{ text: event.compressed ? `all bytes, inflated (${encoding})` : 'all bytes', bold: true }]);
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.subarray(offset, offset + 16);
    const ascii = [...chunk].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push([
      { text: String(offset).padStart(6), dim: true },
      { text: `  ${hexOf(chunk).padEnd(48)}`, color: 'yellow' },
      { text: `  ${ascii}`, dim: true },
    ]);
  }
  return lines;
}

type HeadersEvent = Extract<TimelineRow['event'], { type: 'headers' }>;

const HEADER_TITLE = {
  request: 'request headers: the HTTP/2 HEADERS frame that opens the call',
  response: 'response headers: the server accepts the call',
  trailers: 'trailers: the HEADERS frame that ends the call, with its status',
  'trailers-only': 'trailers-only: the server ended the call without sending a message',
} as const;

function headerLines(event: HeadersEvent, method: string | undefined, transport?: CallTransport): StyledLine[] {
  const toServer = event.direction === 'client->server';
  const width = Math.max(...event.headers.map(([name]) => name.length));
  return [
    [
      { text: toServer ? 'client ──▶ server' : 'client ◀── server', color: toServer ? 'blue' : 'green', bold: true },
      { text: `  ${method ?? 'unknown method'}` },
      { text: `  at +${event.ms.toFixed(1)} ms`, dim: true },
    ],
    [{ text: HEADER_TITLE[event.kind], bold: true }],
    [
      {
        text: 'Names starting with ":" are HTTP/2 pseudo-headers; grpc-* names belong to gRPC; the rest is metadata.',
        dim: true,
      },
    ],
    ...transportLines(transport, toServer, 'headers'),
    [],
    ...event.headers.map(([name, value]): StyledLine => [
      {
        text: name.padEnd(width + 2),
        color: name.startsWith(':') ? 'magenta' : name.startsWith('grpc-') ? 'cyan' : undefined,
      },
      { text: value, color: 'green' },
    ]),
    ...statusDetailLines(event.headers),
  ];
}

/** The google.rpc.Status in grpc-status-details-bin, decoded detail by detail. */
function statusDetailLines(headers: HeadersEvent['headers']): StyledLine[] {
  const value = headers.find(([name]) => name === STATUS_DETAILS_HEADER)?.[1];
  if (value === undefined) return [];
  const status = decodeStatusDetails(value);
  if (!status) return [[], [{ text: `${STATUS_DETAILS_HEADER} does not decode as google.rpc.Status`, color: 'red' }]];
  const lines: StyledLine[] = [
    [],
    [{ text: `${STATUS_DETAILS_HEADER}, decoded: google.rpc.Status`, bold: true }],
    [{ text: `  code ${status.code}  message ${JSON.stringify(status.message)}` }],
  ];
  for (const detail of status.details) {
    lines.push([{ text: `  ${detail.type}`, color: 'cyan', bold: true }, { text: `  ${detail.summary}` }]);
    if (detail.fields !== undefined) lines.push([{ text: `    ${JSON.stringify(detail.fields)}`, dim: true }]);
  }
  return lines;
}

const count = (bytes: number) => `${bytes.toLocaleString('en-US')} B`;

/** Prose in the wire view wraps here: it fits an 80-column terminal, inside the view's border. */
const PROSE_COLUMNS = 76;
const prose = (segments: Segment[]) => wrapSegments(segments, PROSE_COLUMNS);

/**
 * What became of a message's (or headers') bytes on the TCP connection: on
 * TLS, that what the view shows is what went into the encryption (or came
 * out of it), and the bytes TLS added on the connection while the call was
 * open, as Node counted them on both sides of TLS; on plaintext, that these
 * very bytes crossed.
 */
function transportLines(
  transport: CallTransport | undefined,
  toServer: boolean,
  what: 'message' | 'headers',
): StyledLine[] {
  if (!transport) return [];
  const { tls } = transport.connection;
  const these = what === 'message' ? 'these bytes' : 'these headers (HPACK-compressed in a HEADERS frame)';
  if (!tls)
    return prose([
      { text: `${PLAINTEXT_TRANSPORT}: ${these} crossed the TCP connection as they are.`, color: 'yellow' },
    ]);
  const lines = prose([
    { text: `${protocolName(tls.protocol)} ${tls.cipher}: `, color: 'green', bold: true },
    {
      text: toServer
        ? `${these} are what the client wrote before TLS encrypted them; on the TCP connection they crossed inside TLS records only the server can read.`
        : `${these} are what TLS decrypted on arrival; on the TCP connection they crossed inside TLS records only the client can read.`,
      color: 'green',
    },
  ]);
  const bytes = transport.tlsBytes;
  if (!bytes) {
    lines.push([{ text: 'What TLS added on the connection shows here once the call has ended.', dim: true }]);
    return lines;
  }
  const row = (label: string, plain: number, onTcp: number): StyledLine => [
    { text: `  ${label.padEnd(9)}` },
    { text: `${count(plain)} of HTTP/2`.padStart(17), color: 'yellow' },
    { text: `  ${count(onTcp)} on TCP`.padStart(18), color: 'green' },
    { text: `  TLS added ${count(onTcp - plain)}`, color: 'magenta' },
  ];
  lines.push(
    [{ text: 'Measured on this connection while the call was open:' }],
    row('sent', bytes.sent, bytes.sentOnTcp),
    row('received', bytes.received, bytes.receivedOnTcp),
    ...prose([
      {
        text: 'TLS puts a header and an authentication tag on every record, and sends messages of its own (session tickets); other calls on the connection meanwhile count too.',
        dim: true,
      },
    ]),
  );
  return lines;
}

/** The wire view of a connection's row: where it went, and everything its TLS handshake agreed. */
function connectionLines(event: TransportEvent): StyledLine[] {
  const { tls } = event;
  const lines: StyledLine[] = [
    [
      { text: `connection ${event.connection}`, bold: true },
      { text: `  to ${event.peer}` },
      { text: `  first used at +${event.ms.toFixed(1)} ms of call ${event.call}`, dim: true },
    ],
    ...prose([{ text: transportText(event), color: tls ? 'green' : 'yellow', bold: true }]),
    [],
  ];
  if (!tls) {
    lines.push(
      ...prose([
        {
          text: 'HTTP/2 straight on TCP: the headers, the messages and any token in them cross as the wire view shows them. Lesson 15 adds TLS.',
        },
      ]),
    );
    return lines;
  }
  const field = (name: string, value: string): StyledLine => [
    { text: name.padEnd(22), color: 'cyan' },
    { text: value, color: 'green' },
  ];
  lines.push(field('protocol', tls.protocol), field('cipher suite', tls.cipher), field('ALPN', tls.alpn ?? 'none'));
  if (tls.server) {
    lines.push(
      [],
      [{ text: 'the certificate the server showed', bold: true }],
      field('subject', tls.server.subject),
      field('issuer', tls.server.issuer),
      ...(tls.server.validTo ? [field('valid until', tls.server.validTo)] : []),
      // 32 bytes as hex pairs: two lines of 16, to fit 80 columns.
      ...(tls.server.fingerprint256
        ? [
            field('SHA-256 fingerprint', tls.server.fingerprint256.slice(0, 47)),
            ...(tls.server.fingerprint256.length > 48 ? [field('', tls.server.fingerprint256.slice(48))] : []),
          ]
        : []),
    );
  }
  if (tls.client) {
    lines.push(
      [],
      [{ text: "the client's own certificate (mTLS)", bold: true }],
      field('subject', tls.client.subject),
      field('issuer', tls.client.issuer),
      ...prose([
        { text: 'TLS sends it only when the server asks for one; the server pane says whether it got one.', dim: true },
      ]),
    );
  }
  return lines;
}

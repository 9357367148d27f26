// The wire view of one message as lines: what was sent (inflated, if it went
// compressed), field by field, behind the prefix that went out with it, and
// how its size compares with the same content as JSON.
import { CAPTURE_BYTES, GRPC_MESSAGE_PREFIX_BYTES } from '../instrument/events.js';
import { annotate, hexOf, jsonSize, messageTypeOf, WIRE_TYPES } from '../instrument/wire-format.js';
import { messagePreview } from '../instrument/decode.js';
import type { CallTransport, TimelineRow } from './store.js';
import { transportText, type TransportEvent } from '../runner/format.js';
import { protocolName } from '../instrument/tls.js';
import { STATUS_DETAILS_HEADER, decodeStatusDetails } from '../instrument/status-details.js';
import type { Segment, StyledLine } from './styled.js';
import { columns, lineColumns, padEndColumns, padStartColumns, wrapSegments } from './width.js';
import { CATALOGS, type Catalog } from '../i18n/catalog.js';
import type { WireWords } from '../i18n/wire-words.js';

const HEX_COLUMN = 24;
const STATUS_TYPE = 'google.rpc.Status';

/**
 * English prose in the wire view wraps here: it fits an 80-column terminal,
 * inside the view's border. It is also the width of the view at 80 columns.
 */
const PROSE_COLUMNS = 76;

/** How the view's prose wraps: Chinese, every sentence to the view's width; English, as it always has. */
interface Wrap {
  everyLine: boolean;
  width: number;
}
const wrapOf = (wire: WireWords, width: number): Wrap =>
  wire.wrapsEveryLine ? { everyLine: true, width: Math.max(1, width) } : { everyLine: false, width: PROSE_COLUMNS };

const prose = (wrap: Wrap, segments: Segment[]) => wrapSegments(segments, wrap.width);

/**
 * A line of parts (a label, its hex, what they say) that the English view
 * keeps whole, though an 80-column view cuts the longest. In a language that
 * wraps every line, a part that does not fit on this line moves whole to the
 * next, and a part wider than a line wraps inside.
 */
function sentence(wrap: Wrap, segments: Segment[]): StyledLine[] {
  if (!wrap.everyLine) return [segments];
  const { width } = wrap;
  const lines: StyledLine[] = [];
  let line: StyledLine = [];
  for (const segment of segments) {
    if (!segment.text) continue;
    if (lineColumns(line) + columns(segment.text) <= width) {
      line.push(segment);
      continue;
    }
    const part = { ...segment, text: segment.text.trimStart() };
    if (line.length > 0 && columns(part.text) <= width) {
      lines.push(line);
      line = [part];
      continue;
    }
    // Wider than a line: it starts on this one, a space after what is there.
    const wrapped = wrapSegments([part], width, { first: line.length > 0 ? [...line, { text: ' ' }] : [] });
    lines.push(...wrapped.slice(0, -1));
    line = wrapped[wrapped.length - 1];
  }
  lines.push(line);
  return lines;
}

/**
 * The wire view of the selected row. `width`: the view's content width in
 * columns, which Chinese prose wraps to (English keeps its lines as they are).
 */
export function wireLines(
  row: TimelineRow | undefined,
  words: Catalog = CATALOGS.en,
  width = PROSE_COLUMNS,
): StyledLine[] {
  const wire = words.wire;
  const wrap = wrapOf(wire, width);
  const event = row?.event;
  if (row && event?.type === 'headers') return headerLines(event, row.method, row.transport, words, wrap);
  if (event?.type === 'transport') return connectionLines(event, words, wrap);
  if (!row || !event || event.type !== 'message') return sentence(wrap, [{ text: wire.chooseRow, dim: true }]);
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
  const { encoding } = event;
  const lines: StyledLine[] = [
    ...sentence(wrap, [
      { text: wire.direction[event.direction], color: toServer ? 'blue' : 'green', bold: true },
      { text: `  ${row.method ?? wire.unknownMethod}  ` },
      { text: type?.name ?? '', color: 'cyan', bold: true },
      { text: wire.at(event.ms.toFixed(1)), dim: true },
    ]),
    ...sentence(wrap, [
      { text: wire.protobufSize(event.size), color: 'yellow', bold: true },
      ...(event.compressed ? [{ text: wire.compressedSize(encoding, payload), color: 'magenta' }] : []),
      { text: wire.onTheWire(GRPC_MESSAGE_PREFIX_BYTES, event.wireSize) },
      {
        text: json === undefined ? '' : wire.asJson(json, (json / Math.max(1, event.size)).toFixed(1)),
        color: 'magenta',
      },
    ]),
    ...transportLines(row.transport, toServer, 'message', words, wrap),
    [],
  ];
  // Every gRPC message travels in HTTP/2 DATA frames behind a 5-byte prefix:
  // the compressed flag, then the length of what follows as sent.
  const prefix = Buffer.alloc(GRPC_MESSAGE_PREFIX_BYTES);
  prefix[0] = event.compressed ? 1 : 0;
  prefix.writeUInt32BE(payload, 1);
  lines.push(
    ...sentence(wrap, [
      { text: wire.prefixLabel, bold: true },
      { text: hexOf(prefix), color: 'yellow' },
      { text: wire.prefixExplained(prefix[0], event.compressed, encoding, payload) },
    ]),
  );
  if (event.compressed)
    lines.push(
      ...sentence(wrap, [
        { text: wire.inflated(payload, encoding, event.size, bytes !== undefined), color: 'magenta' },
      ]),
    );
  lines.push([]);
  if (!bytes) {
    lines.push([
      { text: wire.contentLabel, bold: true },
      { text: messagePreview(event, row.method), color: 'green' },
    ]);
    lines.push(...sentence(wrap, [{ text: wire.bytesNotKept(CAPTURE_BYTES / 1024), color: 'yellow' }]));
    return lines;
  }
  const { column } = wire;
  lines.push([
    {
      text: `${padEndColumns(column.offset, 7)}${padEndColumns(column.bytes, HEX_COLUMN + 2)}${padEndColumns(column.field, 22)}${padEndColumns(column.wireType, 11)}${column.value}`,
      bold: true,
    },
  ]);
  try {
    for (const field of annotate(bytes, type)) {
      const indent = '  '.repeat(field.depth);
      const hex = field.hex.length > HEX_COLUMN ? `${field.hex.slice(0, HEX_COLUMN - 1)}…` : field.hex;
      // A field's name, or what the view calls one without a name (a protobuf name has no parentheses).
      const name =
        field.name === '(unknown field)'
          ? wire.unknownField
          : field.name === '(truncated)'
            ? wire.truncatedField
            : field.name;
      lines.push([
        { text: padEndColumns(String(field.offset), 7), dim: true },
        { text: padEndColumns(hex, HEX_COLUMN + 2), color: 'yellow' },
        {
          text: padEndColumns(`${indent}${field.field} ${name}`, 22),
          color: field.name.startsWith('(') ? 'red' : 'cyan',
        },
        { text: padEndColumns(`${field.wireType} ${WIRE_TYPES[field.wireType] ?? '?'}`, 11), dim: true },
        { text: `${field.value}`, color: 'green' },
        { text: `  ${field.type}`, dim: true },
      ]);
    }
  } catch (error) {
    lines.push(...sentence(wrap, [{ text: wire.cannotReadFurther((error as Error).message), color: 'red' }]));
  }
  lines.push([]);
  lines.push([{ text: wire.allBytes(event.compressed, encoding), bold: true }]);
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

function headerLines(
  event: HeadersEvent,
  method: string | undefined,
  transport: CallTransport | undefined,
  words: Catalog,
  wrap: Wrap,
): StyledLine[] {
  const { wire } = words;
  const toServer = event.direction === 'client->server';
  const width = Math.max(...event.headers.map(([name]) => columns(name)));
  return [
    ...sentence(wrap, [
      { text: wire.direction[event.direction], color: toServer ? 'blue' : 'green', bold: true },
      { text: `  ${method ?? wire.unknownMethod}` },
      { text: wire.at(event.ms.toFixed(1)), dim: true },
    ]),
    ...sentence(wrap, [{ text: wire.headerTitle[event.kind], bold: true }]),
    ...sentence(wrap, [{ text: wire.headerNames, dim: true }]),
    ...transportLines(transport, toServer, 'headers', words, wrap),
    [],
    ...event.headers.map(([name, value]): StyledLine => [
      {
        text: padEndColumns(name, width + 2),
        color: name.startsWith(':') ? 'magenta' : name.startsWith('grpc-') ? 'cyan' : undefined,
      },
      { text: value, color: 'green' },
    ]),
    ...statusDetailLines(event.headers, wire, wrap),
  ];
}

/** The google.rpc.Status in grpc-status-details-bin, decoded detail by detail. */
function statusDetailLines(headers: HeadersEvent['headers'], wire: WireWords, wrap: Wrap): StyledLine[] {
  const value = headers.find(([name]) => name === STATUS_DETAILS_HEADER)?.[1];
  if (value === undefined) return [];
  const status = decodeStatusDetails(value);
  if (!status)
    return [
      [],
      ...sentence(wrap, [{ text: wire.statusUndecodable(STATUS_DETAILS_HEADER, STATUS_TYPE), color: 'red' }]),
    ];
  const lines: StyledLine[] = [
    [],
    ...sentence(wrap, [{ text: wire.statusDecoded(STATUS_DETAILS_HEADER, STATUS_TYPE), bold: true }]),
    // google.rpc.Status's own field names, in every language.
    [{ text: `  code ${status.code}  message ${JSON.stringify(status.message)}` }],
  ];
  for (const detail of status.details) {
    lines.push([{ text: `  ${detail.type}`, color: 'cyan', bold: true }, { text: `  ${detail.summary}` }]);
    if (detail.fields !== undefined) lines.push([{ text: `    ${JSON.stringify(detail.fields)}`, dim: true }]);
  }
  return lines;
}

const count = (bytes: number) => `${bytes.toLocaleString('en-US')} B`;

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
  words: Catalog,
  wrap: Wrap,
): StyledLine[] {
  if (!transport) return [];
  const { wire } = words;
  const { tls } = transport.connection;
  const these = what === 'message' ? wire.theseBytes : wire.theseHeaders;
  if (!tls) return prose(wrap, [{ text: wire.crossedAsTheyAre(words.plaintext, these), color: 'yellow' }]);
  const lines = prose(wrap, [
    { text: wire.tlsLead(protocolName(tls.protocol), tls.cipher), color: 'green', bold: true },
    { text: toServer ? wire.encryptedBySender(these) : wire.decryptedOnArrival(these), color: 'green' },
  ]);
  const bytes = transport.tlsBytes;
  if (!bytes) {
    lines.push(...sentence(wrap, [{ text: wire.tlsBytesLater, dim: true }]));
    return lines;
  }
  const row = (label: string, plain: number, onTcp: number): StyledLine => [
    { text: `  ${padEndColumns(label, 9)}` },
    { text: padStartColumns(wire.ofHttp2(count(plain)), 17), color: 'yellow' },
    { text: padStartColumns(`  ${wire.onTcp(count(onTcp))}`, 18), color: 'green' },
    { text: `  ${wire.tlsAdded(count(onTcp - plain))}`, color: 'magenta' },
  ];
  lines.push(
    ...sentence(wrap, [{ text: wire.measured }]),
    row(wire.sent, bytes.sent, bytes.sentOnTcp),
    row(wire.received, bytes.received, bytes.receivedOnTcp),
    ...prose(wrap, [{ text: wire.tlsOverhead, dim: true }]),
  );
  return lines;
}

/** The wire view of a connection's row: where it went, and everything its TLS handshake agreed. */
function connectionLines(event: TransportEvent, words: Catalog, wrap: Wrap): StyledLine[] {
  const { wire } = words;
  const { tls } = event;
  const lines: StyledLine[] = [
    ...sentence(wrap, [
      { text: wire.connection(event.connection), bold: true },
      { text: wire.to(event.peer) },
      { text: wire.firstUsed(event.ms.toFixed(1), event.call), dim: true },
    ]),
    ...prose(wrap, [{ text: transportText(event, words), color: tls ? 'green' : 'yellow', bold: true }]),
    [],
  ];
  if (!tls) {
    lines.push(...prose(wrap, [{ text: wire.plaintextConnection }]));
    return lines;
  }
  const label = wire.tlsField;
  const field = (name: string, value: string): StyledLine => [
    { text: padEndColumns(name, 22), color: 'cyan' },
    { text: value, color: 'green' },
  ];
  lines.push(
    field(label.protocol, tls.protocol),
    field(label.cipher, tls.cipher),
    field(label.alpn, tls.alpn ?? wire.noAlpn),
  );
  if (tls.server) {
    lines.push(
      [],
      [{ text: wire.serverCertificate, bold: true }],
      field(label.subject, tls.server.subject),
      field(label.issuer, tls.server.issuer),
      ...(tls.server.validTo ? [field(label.validTo, tls.server.validTo)] : []),
      // 32 bytes as hex pairs: two lines of 16, to fit 80 columns.
      ...(tls.server.fingerprint256
        ? [
            field(label.fingerprint, tls.server.fingerprint256.slice(0, 47)),
            ...(tls.server.fingerprint256.length > 48 ? [field('', tls.server.fingerprint256.slice(48))] : []),
          ]
        : []),
    );
  }
  if (tls.client) {
    lines.push(
      [],
      [{ text: wire.clientCertificate, bold: true }],
      field(label.subject, tls.client.subject),
      field(label.issuer, tls.client.issuer),
      ...prose(wrap, [{ text: wire.clientCertificateSent, dim: true }]),
    );
  }
  return lines;
}

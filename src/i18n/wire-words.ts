// The live UI's words for the wire view: a message byte by byte, a headers frame, a connection.
// Protocol and header names, status codes, protobuf's wire type names (VARINT, LEN), hex and
// what was decoded from the bytes stay as they are, in every language.
import type { Direction, HeaderKind } from '../instrument/events.js';
import type { Language } from './lang.js';

export interface WireWords {
  /**
   * English keeps each line whole, as it always has: an 80-column view cuts
   * the longest. Chinese, two columns a character, wraps every sentence to the
   * view's width.
   */
  wrapsEveryLine: boolean;
  /** What the view says when the selected row has no wire view. */
  chooseRow: string;
  /** "client ──▶ server", "client ◀── server" */
  direction: Record<Direction, string>;
  unknownMethod: string;
  /** After the method: "  at +1.3 ms" (since the call started). */
  at(ms: string): string;

  // A message: its size, its prefix, its fields, its bytes.
  /** "protobuf 72 B" */
  protobufSize(size: number): string;
  /** After the protobuf size, when the message went compressed: ", gzip 83 B". */
  compressedSize(encoding: string | undefined, payload: number): string;
  /** " + 5 B gRPC prefix = 88 B on the wire" */
  onTheWire(prefix: number, wireSize: number): string;
  /** "   the same as JSON: 14 B (2.8x)" */
  asJson(json: number, ratio: string): string;
  prefixLabel: string;
  /** After the prefix's hex: what its five bytes say. `encoding` is set when the message is compressed. */
  prefixExplained(flag: number, compressed: boolean, encoding: string | undefined, payload: number): string;
  /** The compressed bytes, and the protobuf they inflate to (shown below, or too big to keep). */
  inflated(payload: number, encoding: string | undefined, size: number, shownBelow: boolean): string;
  contentLabel: string;
  bytesNotKept(kib: number): string;
  /** The field table's column titles. */
  column: Record<'offset' | 'bytes' | 'field' | 'wireType' | 'value', string>;
  /** A field the message type does not know, or bytes that end before a field does. */
  unknownField: string;
  truncatedField: string;
  cannotReadFurther(why: string): string;
  allBytes(compressed: boolean, encoding: string | undefined): string;

  // A headers frame.
  headerTitle: Record<HeaderKind, string>;
  headerNames: string;
  /** "grpc-status-details-bin, decoded: google.rpc.Status" */
  statusDecoded(header: string, type: string): string;
  statusUndecodable(header: string, type: string): string;

  // What became of a message's or headers' bytes on the TCP connection.
  theseBytes: string;
  theseHeaders: string;
  /** After the plaintext connection's own words. */
  crossedAsTheyAre(plaintext: string, these: string): string;
  /** "TLS 1.3 TLS_AES_256_GCM_SHA384: " */
  tlsLead(protocol: string, cipher: string): string;
  encryptedBySender(these: string): string;
  decryptedOnArrival(these: string): string;
  tlsBytesLater: string;
  measured: string;
  sent: string;
  received: string;
  ofHttp2(count: string): string;
  onTcp(count: string): string;
  tlsAdded(count: string): string;
  tlsOverhead: string;

  // A connection's row.
  connection(connection: number): string;
  to(peer: string): string;
  firstUsed(ms: string, call: number): string;
  plaintextConnection: string;
  tlsField: Record<'protocol' | 'cipher' | 'alpn' | 'subject' | 'issuer' | 'validTo' | 'fingerprint', string>;
  noAlpn: string;
  serverCertificate: string;
  clientCertificate: string;
  clientCertificateSent: string;
}

const UNNAMED_ENCODING = 'an encoding the headers do not name';

const en: WireWords = {
  wrapsEveryLine: false,
  chooseRow: 'Select a message, a headers row or a connection row in the timeline (↑/↓ there), then press w.',
  direction: { 'client->server': 'client ──▶ server', 'server->client': 'client ◀── server' },
  unknownMethod: 'unknown method',
  at: (ms) => `  at +${ms} ms`,

  protobufSize: (size) => `protobuf ${size} B`,
  compressedSize: (encoding, payload) => `, ${encoding ?? 'compressed'} ${payload} B`,
  onTheWire: (prefix, wireSize) => ` + ${prefix} B gRPC prefix = ${wireSize} B on the wire`,
  asJson: (json, ratio) => `   the same as JSON: ${json} B (${ratio}x)`,
  prefixLabel: 'gRPC prefix  ',
  prefixExplained: (flag, compressed, encoding, payload) =>
    `   compressed flag ${flag} (${compressed ? `compressed: ${encoding ?? UNNAMED_ENCODING}` : 'not compressed'}), then the length ${payload} as 4 bytes, big-endian`,
  inflated: (payload, encoding, size, shownBelow) =>
    `The ${payload} bytes after the prefix are ${encoding ?? UNNAMED_ENCODING}-compressed; the receiver inflates them to the ${size} bytes of protobuf ${shownBelow ? 'below' : 'it decodes'}.`,
  contentLabel: 'content  ',
  bytesNotKept: (kib) => `bytes not kept: the wire view keeps messages up to ${kib} KiB (decoded) field by field.`,
  column: { offset: 'offset', bytes: 'bytes', field: 'field', wireType: 'wire type', value: 'value' },
  unknownField: '(unknown field)',
  truncatedField: '(truncated)',
  cannotReadFurther: (why) => `cannot read further: ${why}`,
  allBytes: (compressed, encoding) =>
    compressed ? `all bytes, inflated (${encoding ?? UNNAMED_ENCODING})` : 'all bytes',

  headerTitle: {
    request: 'request headers: the HTTP/2 HEADERS frame that opens the call',
    response: 'response headers: the server accepts the call',
    trailers: 'trailers: the HEADERS frame that ends the call, with its status',
    'trailers-only': 'trailers-only: the server ended the call without sending a message',
  },
  headerNames: 'Names starting with ":" are HTTP/2 pseudo-headers; grpc-* names belong to gRPC; the rest is metadata.',
  statusDecoded: (header, type) => `${header}, decoded: ${type}`,
  statusUndecodable: (header, type) => `${header} does not decode as ${type}`,

  theseBytes: 'these bytes',
  theseHeaders: 'these headers (HPACK-compressed in a HEADERS frame)',
  crossedAsTheyAre: (plaintext, these) => `${plaintext}: ${these} crossed the TCP connection as they are.`,
  tlsLead: (protocol, cipher) => `${protocol} ${cipher}: `,
  encryptedBySender: (these) =>
    `${these} are what the client wrote before TLS encrypted them; on the TCP connection they crossed inside TLS records only the server can read.`,
  decryptedOnArrival: (these) =>
    `${these} are what TLS decrypted on arrival; on the TCP connection they crossed inside TLS records only the client can read.`,
  tlsBytesLater: 'What TLS added on the connection shows here once the call has ended.',
  measured: 'Measured on this connection while the call was open:',
  sent: 'sent',
  received: 'received',
  ofHttp2: (count) => `${count} of HTTP/2`,
  onTcp: (count) => `${count} on TCP`,
  tlsAdded: (count) => `TLS added ${count}`,
  tlsOverhead:
    'TLS puts a header and an authentication tag on every record, and sends messages of its own (session tickets); other calls on the connection meanwhile count too.',

  connection: (connection) => `connection ${connection}`,
  to: (peer) => `  to ${peer}`,
  firstUsed: (ms, call) => `  first used at +${ms} ms of call ${call}`,
  plaintextConnection:
    'HTTP/2 straight on TCP: the headers, the messages and any token in them cross as the wire view shows them. Lesson 15 adds TLS.',
  tlsField: {
    protocol: 'protocol',
    cipher: 'cipher suite',
    alpn: 'ALPN',
    subject: 'subject',
    issuer: 'issuer',
    validTo: 'valid until',
    fingerprint: 'SHA-256 fingerprint',
  },
  noAlpn: 'none',
  serverCertificate: 'the certificate the server showed',
  clientCertificate: "the client's own certificate (mTLS)",
  clientCertificateSent: 'TLS sends it only when the server asks for one; the server pane says whether it got one.',
};

const zhCN: WireWords = {
  wrapsEveryLine: true,
  chooseRow: '在时间线中用 ↑/↓ 选中一条消息、一行头部或一行连接，然后按 w。',
  direction: { 'client->server': '客户端 ──▶ 服务端', 'server->client': '客户端 ◀── 服务端' },
  unknownMethod: '未知方法',
  at: (ms) => `  调用开始后 +${ms} ms`,

  protobufSize: (size) => `protobuf ${size} B`,
  compressedSize: (encoding, payload) => `，${encoding ? `${encoding} ` : ''}压缩后 ${payload} B`,
  onTheWire: (prefix, wireSize) => ` + ${prefix} B gRPC 前缀 = 线路上 ${wireSize} B`,
  asJson: (json, ratio) => `   同样内容用 JSON 是 ${json} B（${ratio} 倍）`,
  prefixLabel: 'gRPC 前缀  ',
  prefixExplained: (flag, compressed, encoding, payload) =>
    `   压缩标志 ${flag}（${compressed ? `已压缩：${encoding ?? '头部没有指明编码'}` : '未压缩'}），后 4 个字节是长度 ${payload}（大端序）`,
  inflated: (payload, encoding, size, shownBelow) =>
    `前缀之后的 ${payload} 个字节${encoding ? `经过 ${encoding} 压缩` : '经过压缩（头部没有指明编码）'}；接收方把它们解压成${shownBelow ? '下面' : '它要解码'}的 ${size} 字节 protobuf。`,
  contentLabel: '内容  ',
  bytesNotKept: (kib) => `没有保留字节：线路视图只为不超过 ${kib} KiB（按解压后的大小计）的消息逐字段显示。`,
  column: { offset: '偏移', bytes: '字节', field: '字段', wireType: 'wire type', value: '值' },
  unknownField: '（未知字段）',
  truncatedField: '（已截断）',
  cannotReadFurther: (why) => `无法继续读取：${why}`,
  allBytes: (compressed, encoding) =>
    compressed ? `全部字节，已解压（${encoding ?? '头部没有指明编码'}）` : '全部字节',

  headerTitle: {
    request: '请求头：开启这次调用的 HTTP/2 HEADERS 帧',
    response: '响应头：服务端接受了这次调用',
    trailers: '尾部元数据（trailers）：结束这次调用的 HEADERS 帧，带着调用的状态',
    'trailers-only': '只有尾部元数据（trailers-only）：服务端没有发送任何消息就结束了这次调用',
  },
  headerNames: '以“:”开头的名字是 HTTP/2 伪头部；grpc-* 开头的名字属于 gRPC；其余的都是元数据。',
  statusDecoded: (header, type) => `${header}，解码为 ${type}`,
  statusUndecodable: (header, type) => `${header} 无法解码为 ${type}`,

  theseBytes: '这些字节',
  theseHeaders: '这些头部（经 HPACK 压缩，装在一个 HEADERS 帧里）',
  crossedAsTheyAre: (plaintext, these) => `${plaintext}。${these}正是以这个样子经过 TCP 连接的。`,
  tlsLead: (protocol, cipher) => `${protocol} ${cipher}：`,
  encryptedBySender: (these) =>
    `${these}是客户端在 TLS 加密之前写出的内容；在 TCP 连接上，它们装在只有服务端能读的 TLS 记录里传输。`,
  decryptedOnArrival: (these) =>
    `${these}是到达后由 TLS 解密得到的内容；在 TCP 连接上，它们装在只有客户端能读的 TLS 记录里传输。`,
  tlsBytesLater: '调用结束后，这里会显示 TLS 在这个连接上多加了多少字节。',
  measured: '调用进行期间，在这个连接上测得：',
  sent: '发送',
  received: '接收',
  ofHttp2: (count) => `HTTP/2 ${count}`,
  onTcp: (count) => `TCP 上 ${count}`,
  tlsAdded: (count) => `TLS 多加了 ${count}`,
  tlsOverhead:
    'TLS 给每条记录加上一个头部和一个认证标签，还会发送自己的消息（会话票据）；这段时间里，这个连接上其他调用的字节也计算在内。',

  connection: (connection) => `连接 ${connection}`,
  to: (peer) => `  对端 ${peer}`,
  firstUsed: (ms, call) => `  在调用 ${call} 开始后 +${ms} ms 首次使用`,
  plaintextConnection:
    'HTTP/2 直接跑在 TCP 上：头部、消息以及其中的任何令牌，都以线路视图显示的样子经过网络。第 15 课会加上 TLS。',
  tlsField: {
    protocol: '协议',
    cipher: '密码套件',
    alpn: 'ALPN',
    subject: '主体',
    issuer: '签发者',
    validTo: '有效期至',
    fingerprint: 'SHA-256 指纹',
  },
  noAlpn: '无',
  serverCertificate: '服务端出示的证书',
  clientCertificate: '客户端自己的证书（mTLS）',
  clientCertificateSent: '只有服务端要求时，TLS 才会发送它；服务端窗格会说明服务端有没有收到。',
};

export const WIRE_WORDS: Readonly<Record<Language, WireWords>> = { en, 'zh-CN': zhCN };

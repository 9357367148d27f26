// Reads protobuf bytes field by field, the way a decoder walks them: a tag
// (field number and wire type) then a value whose length the wire type gives.
// Field names and types come from the .proto; the bytes alone only know numbers.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';
import { PROTO_DIR } from '../paths.js';
import { rpcKindOf, type RpcKind } from './events.js';
import { escapeControlChars } from '../runtime/control-chars.js';

export const WIRE_TYPES: Record<number, string> = { 0: 'VARINT', 1: 'I64', 2: 'LEN', 5: 'I32' };

export interface FieldRow {
  /** Nesting level: 0 for the message's own fields. */
  depth: number;
  offset: number;
  /** The tag and value bytes of this field (for a nested message: its tag and length only). */
  hex: string;
  field: number;
  wireType: number;
  name: string;
  type: string;
  value: string;
  /** The bytes end inside this field: `value` shows what is there. */
  truncated?: true;
}

const require = createRequire(import.meta.url);
let library: typeof protobuf | undefined;

/** protobufjs, loaded on first use: the UI draws its first frame without it. */
export function protobufjs(): typeof protobuf {
  return (library ??= require('protobufjs') as typeof protobuf);
}

let root: protobuf.Root | undefined;

/** The project's protos, as protobufjs types (google/rpc/* included where present, for rich error details). */
export function protoRoot(): protobuf.Root {
  if (!root) {
    root = new (protobufjs().Root)();
    root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : `${PROTO_DIR}${target}`);
    const files = readdirSync(PROTO_DIR).filter((file) => file.endsWith('.proto'));
    for (const extra of ['google/rpc/status.proto', 'google/rpc/error_details.proto']) {
      if (existsSync(`${PROTO_DIR}${extra}`)) files.push(extra);
    }
    root.loadSync(files, { keepCase: true });
    root.resolveAll();
  }
  return root;
}

function methodOf(methodPath: string): protobuf.Method | undefined {
  const [, service, method] = /^\/(.+)\/([^/]+)$/.exec(methodPath) ?? [];
  if (!service) return undefined;
  const found = protoRoot().lookup(service);
  return found instanceof protobufjs().Service ? found.methods[method] : undefined;
}

/** Unary, server streaming, client streaming or bidi, as the .proto declares the method. */
export function methodKindOf(methodPath: string): RpcKind | undefined {
  const method = methodOf(methodPath);
  return (
    method &&
    rpcKindOf({ requestStream: method.requestStream === true, responseStream: method.responseStream === true })
  );
}

/** The message type a method sends in one direction, from its path (/package.Service/Method). */
export function messageTypeOf(
  methodPath: string,
  direction: 'client->server' | 'server->client',
): protobuf.Type | undefined {
  const definition = methodOf(methodPath);
  if (!definition) return undefined;
  return direction === 'client->server'
    ? (definition.resolvedRequestType ?? undefined)
    : (definition.resolvedResponseType ?? undefined);
}

/** Bytes as hex pairs with a space between: "0a 03 41 64 61". */
export const hexOf = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

const KiB = 1024;
const MiB = 1024 * KiB;

/** A size for people: "72 B", "2.9 KiB", "5.0 MiB". */
export function byteSize(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  if (bytes < MiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** How many bytes of a `bytes` field a preview shows. */
const BYTES_SHOWN = 3;

/** A `bytes` field as its length and first bytes: "<64.0 KiB: 6e 6f 74 ..>". */
export function bytesSummary(bytes: Uint8Array): string {
  if (bytes.length === 0) return '<0 B>';
  const head = hexOf(bytes.subarray(0, BYTES_SHOWN));
  return `<${byteSize(bytes.length)}: ${head}${bytes.length > BYTES_SHOWN ? ' ..' : ''}>`;
}

/** A base-128 varint at `pos`: seven bits a byte, low bits first, high bit set on all but the last. */
function readVarint(bytes: Uint8Array, pos: number): [value: bigint, next: number] {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= bytes.length) throw new RangeError('a varint runs past the end');
    const byte = bytes[pos++];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7n;
  }
}

/**
 * Every field in `bytes`, in wire order, nested messages expanded. Bytes that
 * end mid-field end the list with a row marked `truncated`: protobufjs decodes
 * some of those without complaint (a string whose length runs past the end
 * comes out as the bytes that are there), so the wire view must say so.
 */
export function annotate(bytes: Uint8Array, type: protobuf.Type | undefined, depth = 0, base = 0): FieldRow[] {
  const rows: FieldRow[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const start = pos;
    let fieldNumber = 0;
    let wireType = 0;
    let field: protobuf.Field | undefined;
    const row = (value: string, end = pos, truncated = false) =>
      rows.push({
        depth,
        offset: base + start,
        hex: hexOf(bytes.subarray(start, end)),
        field: fieldNumber,
        wireType,
        name: field?.name ?? (truncated && fieldNumber === 0 ? '(truncated)' : '(unknown field)'),
        type: field ? `${field.repeated ? 'repeated ' : ''}${field.type}` : '?',
        value,
        ...(truncated ? { truncated } : {}),
      });
    const fixed = (size: number) => {
      if (pos + size > bytes.length)
        throw new RangeError(`the value needs ${size} bytes, ${bytes.length - pos} follow`);
      const view = new DataView(bytes.buffer, bytes.byteOffset + pos, size);
      pos += size;
      return view;
    };

    try {
      const [tag, afterTag] = readVarint(bytes, pos);
      pos = afterTag;
      fieldNumber = Number(tag >> 3n);
      wireType = Number(tag & 7n);
      field = type?.fieldsById[fieldNumber];

      if (wireType === 0) {
        const [value, next] = readVarint(bytes, pos);
        pos = next;
        row(varintText(value, field?.type));
      } else if (wireType === 1) {
        const view = fixed(8);
        row(field?.type === 'double' ? String(view.getFloat64(0, true)) : view.getBigUint64(0, true).toString());
      } else if (wireType === 5) {
        const view = fixed(4);
        row(field?.type === 'float' ? String(view.getFloat32(0, true)) : String(view.getUint32(0, true)));
      } else if (wireType === 2) {
        const [length, headerEnd] = readVarint(bytes, pos);
        const present = Math.min(Number(length), bytes.length - headerEnd);
        const payload = bytes.subarray(headerEnd, headerEnd + present);
        const truncated = present < Number(length);
        const cut = truncated ? ` TRUNCATED: the length says ${length} bytes, ${present} follow` : '';
        pos = headerEnd + present;
        const nested = field?.resolvedType instanceof protobufjs().Type ? field.resolvedType : undefined;
        if (nested) {
          row(`${nested.name} (${length} bytes)${cut}`, headerEnd, truncated);
          rows.push(...annotate(payload, nested, depth + 1, base + headerEnd));
        } else if (field?.type === 'string') {
          // JSON escapes C0 control characters; the C1 ones (CSI among them) need it too.
          row(`${escapeControlChars(JSON.stringify(Buffer.from(payload).toString('utf8')))}${cut}`, pos, truncated);
        } else if (field?.type === 'bytes') {
          row(`${bytesSummary(payload)}${cut}`, pos, truncated);
        } else {
          row(truncated ? `${present} bytes${cut}` : `${length} bytes`, pos, truncated);
        }
        if (truncated) break;
      } else {
        row(`wire type ${wireType} cannot be read`);
        break;
      }
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      pos = bytes.length;
      row(`TRUNCATED: ${error.message}`, pos, true);
      break;
    }
  }
  return rows;
}

function varintText(value: bigint, type: string | undefined): string {
  switch (type) {
    case 'bool':
      return value === 0n ? 'false' : 'true';
    case 'int32':
    case 'int64':
      return BigInt.asIntN(64, value).toString();
    case 'sint32':
    case 'sint64':
      return ((value >> 1n) ^ -(value & 1n)).toString();
    default:
      return value.toString();
  }
}

/** The same message as JSON, as a REST API would send it: its size in bytes. */
export function jsonSize(bytes: Uint8Array, type: protobuf.Type): number {
  const message = type.toObject(type.decode(bytes), { longs: Number, enums: String });
  return Buffer.byteLength(JSON.stringify(message));
}

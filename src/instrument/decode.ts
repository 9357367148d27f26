// Turns captured message bytes back into content, for the rows a viewer shows:
// decoding lazily costs nothing for the thousands of rows nobody looks at.
import type { Direction, MessageEvent } from './events.js';
import { bytesSummary, messageTypeOf } from './wire-format.js';
import { escapeControlChars } from '../runtime/control-chars.js';

/**
 * A decoded message as one line of JSON, except that `bytes` fields show as
 * their length and first bytes (JSON would spell a 64 KiB field out as
 * {"type":"Buffer","data":[...]}). Stops once the line is long enough.
 */
export function previewText(message: unknown, maxChars = 80): string {
  let text = '';
  const write = (part: string) => {
    text += part;
    return text.length <= maxChars;
  };
  const visit = (value: unknown): boolean => {
    if (value instanceof Uint8Array) return write(bytesSummary(value));
    if (Array.isArray(value)) {
      if (!write('[')) return false;
      for (const [index, item] of value.entries()) {
        if ((index > 0 && !write(',')) || !visit(item ?? null)) return false;
      }
      return write(']');
    }
    if (value !== null && typeof value === 'object') {
      if (!write('{')) return false;
      let first = true;
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined || typeof item === 'function') continue;
        if ((!first && !write(',')) || !write(`${JSON.stringify(key)}:`) || !visit(item)) return false;
        first = false;
      }
      return write('}');
    }
    return write(JSON.stringify(value) ?? 'null');
  };
  visit(message);
  // JSON escapes C0 controls but leaves C1 (U+0080-U+009F, CSI among them) as they are.
  text = escapeControlChars(text);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * Protobuf bytes as a preview of their content, decoded as the message type
 * the method sends that way; what a peer sent need not decode, and then the
 * preview says so instead of failing the row.
 */
export function decodePreview(bytes: Uint8Array, method: string | undefined, direction: Direction): string {
  const type = method ? messageTypeOf(method, direction) : undefined;
  if (!type) return `(${bytes.length} bytes)`;
  try {
    return previewText(type.toObject(type.decode(leadingFields(bytes)), { longs: String, enums: String }));
  } catch (error) {
    return `(${bytes.length} bytes that do not decode as ${type.name}: ${(error as Error).message})`;
  }
}

/**
 * A preview holds 80 characters, and each field takes at least two of them
 * (`1,`): the first 64 fields of a message show all a preview can. Decoding
 * only those keeps the cost of a preview flat, where a message of thousands
 * of repeated fields would take tens of milliseconds to decode whole.
 */
const PREVIEW_FIELDS = 64;

/**
 * The bytes of a message's first PREVIEW_FIELDS top-level fields, found by
 * their tags alone (a bytes field of megabytes is skipped, not read); the
 * whole message when it has no more, or when the tags stop making sense (the
 * decoder then says why).
 */
function leadingFields(bytes: Uint8Array): Uint8Array {
  const varint = (at: number): [number, number] => {
    let value = 0;
    for (let shift = 0; at < bytes.length && shift < 64; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return [value, at];
    }
    return [NaN, at];
  };
  let pos = 0;
  for (let fields = 0; fields < PREVIEW_FIELDS; fields++) {
    if (pos >= bytes.length) return bytes;
    const [tag, afterTag] = varint(pos);
    const wireType = tag % 8;
    if (wireType === 0) pos = varint(afterTag)[1];
    else if (wireType === 1) pos = afterTag + 8;
    else if (wireType === 5) pos = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = varint(afterTag);
      pos = afterLength + length;
    } else return bytes;
    if (!(pos <= bytes.length)) return bytes;
  }
  return bytes.subarray(0, pos);
}

/** Previews decoded so far, beside the events rather than written into them. */
const decoded = new WeakMap<MessageEvent, string>();

/**
 * The event's preview: the one it came with, or decoded from its bytes on
 * first use and kept. Only the fields that were on the wire show: proto3
 * leaves zero values out.
 */
export function messagePreview(event: MessageEvent, method: string | undefined): string {
  if (event.preview !== undefined) return event.preview;
  let preview = decoded.get(event);
  if (preview === undefined) {
    preview =
      event.bytes === undefined
        ? `(${event.size} bytes)`
        : decodePreview(Buffer.from(event.bytes, 'base64'), method, event.direction);
    decoded.set(event, preview);
  }
  return preview;
}

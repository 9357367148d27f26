// Turns captured message bytes back into content, for the rows a viewer shows:
// decoding lazily costs nothing for the thousands of rows nobody looks at.
import type { MessageEvent } from './events.js';
import { messageTypeOf } from './wire-format.js';
import { escapeControlChars } from '../runtime/control-chars.js';

export function previewText(message: unknown, maxChars = 80): string {
  // JSON escapes C0 controls but leaves C1 (U+0080-U+009F, CSI among them) as they are.
  const text = escapeControlChars(JSON.stringify(message) ?? '');
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
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
    const type = method ? messageTypeOf(method, event.direction) : undefined;
    preview = `(${event.size} bytes)`;
    if (type && event.bytes !== undefined) {
      try {
        preview = previewText(
          type.toObject(type.decode(Buffer.from(event.bytes, 'base64')), { longs: String, enums: String }),
        );
      } catch (error) {
        // What a peer sent need not decode: say so instead of failing the row.
        preview = `(${event.size} bytes that do not decode as ${type.name}: ${(error as Error).message})`;
      }
    }
    decoded.set(event, preview);
  }
  return preview;
}

// Turns captured message bytes back into content, for the rows a viewer shows:
// decoding lazily costs nothing for the thousands of rows nobody looks at.
import type { MessageEvent } from './events.js';
import { messageTypeOf } from './wire-format.js';

export function previewText(message: unknown, maxChars = 80): string {
  const text = JSON.stringify(message) ?? '';
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
    preview =
      type && event.bytes !== undefined
        ? previewText(type.toObject(type.decode(Buffer.from(event.bytes, 'base64')), { longs: String, enums: String }))
        : `(${event.size} bytes)`;
    decoded.set(event, preview);
  }
  return preview;
}

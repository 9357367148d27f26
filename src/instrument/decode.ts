// Turns captured message bytes back into content, for the rows a viewer shows:
// decoding lazily costs nothing for the thousands of rows nobody looks at.
import { readdirSync } from 'node:fs';
import * as protoLoader from '@grpc/proto-loader';
import { LOAD_OPTIONS, PROTO_DIR } from '../proto.js';
import type { MessageEvent } from './events.js';

type AnyMethod = protoLoader.MethodDefinition<object, object, object, object>;
let methods: Map<string, AnyMethod> | undefined;

/** Every method of every .proto in protos/, by its path (/package.Service/Method). */
export function methodByPath(path: string): AnyMethod | undefined {
  if (!methods) {
    methods = new Map();
    const files = readdirSync(PROTO_DIR).filter((file) => file.endsWith('.proto'));
    // Without defaults: a decoded message shows only the fields that were on the wire.
    const definition = protoLoader.loadSync(files, { ...LOAD_OPTIONS, defaults: false, includeDirs: [PROTO_DIR] });
    for (const entry of Object.values(definition)) {
      if ('format' in entry) continue;
      for (const method of Object.values(entry as Record<string, AnyMethod>)) methods.set(method.path, method);
    }
  }
  return methods.get(path);
}

export function previewText(message: unknown, maxChars = 80): string {
  const text = JSON.stringify(message) ?? '';
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** Decodes a message's bytes with its method's types. */
export function decodeMessage(method: string, event: MessageEvent): object | undefined {
  const definition = methodByPath(method);
  if (!definition || event.bytes === undefined) return undefined;
  const bytes = Buffer.from(event.bytes, 'base64');
  return event.direction === 'client->server' ? definition.requestDeserialize(bytes) : definition.responseDeserialize(bytes);
}

/** The event's preview, decoded from its bytes on first use and kept. */
export function messagePreview(event: MessageEvent, method: string | undefined): string {
  if (event.preview === undefined) {
    const message = method ? decodeMessage(method, event) : undefined;
    event.preview = message ? previewText(message) : `(${event.size} bytes)`;
  }
  return event.preview;
}

// Rich error details: a google.rpc.Status, encoded in the grpc-status-details-bin
// trailer, whose `details` are Any messages (BadRequest, RetryInfo, ...). The
// timeline and the wire view decode them with the project's own protos.
import type protobuf from 'protobufjs';
import type { HeaderPair } from './events.js';
import { protoRoot } from './wire-format.js';
import { escapeControlChars } from '../runtime/control-chars.js';

export const STATUS_DETAILS_HEADER = 'grpc-status-details-bin';

export interface DecodedDetail {
  /** The message type's name: BadRequest, RetryInfo, or the type URL when the protos do not know it. */
  type: string;
  /** A short reading of it, for a timeline row. */
  summary: string;
  /** The decoded fields, for the wire view. */
  fields?: unknown;
}

export interface DecodedStatus {
  code: number;
  message: string;
  details: DecodedDetail[];
}

function lookupType(name: string): protobuf.Type | undefined {
  try {
    return protoRoot().lookupType(name);
  } catch {
    return undefined;
  }
}

function summarize(type: string, fields: Record<string, unknown>): string {
  if (type === 'google.rpc.BadRequest') {
    const violations = (fields.field_violations as { field?: string; description?: string }[] | undefined) ?? [];
    return violations.map((violation) => `${violation.field ?? ''}: ${violation.description ?? ''}`).join('; ');
  }
  if (type === 'google.rpc.RetryInfo') {
    const delay = (fields.retry_delay as { seconds?: string; nanos?: number } | undefined) ?? {};
    return `retry in ${Number(delay.seconds ?? 0) + (delay.nanos ?? 0) / 1e9}s`;
  }
  return JSON.stringify(fields);
}

/** The Status in a base64 grpc-status-details-bin value; undefined when the bytes are not one. */
export function decodeStatusDetails(base64: string): DecodedStatus | undefined {
  const statusType = lookupType('google.rpc.Status');
  if (!statusType) return undefined;
  try {
    const status = statusType.toObject(statusType.decode(Buffer.from(base64, 'base64')), { longs: String }) as {
      code?: number;
      message?: string;
      details?: { type_url?: string; value?: Uint8Array }[];
    };
    return {
      code: status.code ?? 0,
      message: escapeControlChars(status.message ?? ''),
      details: (status.details ?? []).map((any) => {
        const typeName = (any.type_url ?? '').slice((any.type_url ?? '').lastIndexOf('/') + 1);
        const type = typeName ? lookupType(typeName) : undefined;
        if (!type || !any.value)
          return { type: any.type_url ?? '(no type)', summary: `${any.value?.length ?? 0} bytes` };
        const fields = type.toObject(type.decode(any.value), { longs: String, enums: String }) as Record<
          string,
          unknown
        >;
        return { type: type.name, summary: escapeControlChars(summarize(typeName, fields)), fields };
      }),
    };
  } catch {
    return undefined;
  }
}

/** Summaries made so far: a timeline row is drawn on every frame it is visible. */
const summaries = new WeakMap<HeaderPair[], string | undefined>();

/** "BadRequest (name: must not be empty); RetryInfo (retry in 1s)", or undefined when the headers carry no details. */
export function statusDetailsSummary(headers: HeaderPair[]): string | undefined {
  if (summaries.has(headers)) return summaries.get(headers);
  const value = headers.find(([name]) => name === STATUS_DETAILS_HEADER)?.[1];
  let summary: string | undefined;
  if (value !== undefined) {
    const status = decodeStatusDetails(value);
    summary = status
      ? status.details.map((detail) => `${detail.type} (${detail.summary})`).join('; ') || 'no details'
      : 'details that do not decode as google.rpc.Status';
  }
  summaries.set(headers, summary);
  return summary;
}

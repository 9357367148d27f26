// Timeline rows as styled lines: direction, time since the call started, size
// on the wire, content, half-close, final status, and the faults injected.
import { messagePreview } from '../instrument/decode.js';
import {
  FAULT_LABEL,
  HEADER_LABEL,
  formatMs,
  headerList,
  messageSize,
  shortMethod,
  transportText,
} from '../runner/format.js';
import { statusDetailsSummary } from '../instrument/status-details.js';
import type { TimelineRow } from './store.js';
import type { StyledLine } from './styled.js';
import { CATALOGS, type Catalog } from '../i18n/catalog.js';

export function timelineLine({ run, event, method }: TimelineRow, words: Catalog = CATALOGS.en): StyledLine {
  switch (event.type) {
    case 'call':
      return [
        { text: words.ui.runCall(run, event.call), bold: true },
        { text: shortMethod(event.method), color: 'cyan', bold: true },
        { text: ` ${words.kind[event.kind]}`, dim: true },
      ];
    case 'message': {
      const out = event.direction === 'client->server';
      const { wire, compression } = messageSize(event);
      return [
        { text: formatMs(event.ms), dim: true },
        { text: out ? ' ──▶ ' : ' ◀── ', color: out ? 'blue' : 'green' },
        { text: wire.padStart(6), color: 'yellow' },
        ...(compression ? [{ text: ` ${compression}`, color: 'magenta' as const }] : []),
        { text: `  ${messagePreview(event, method)}` },
      ];
    }
    case 'half-close':
      return [
        { text: formatMs(event.ms), dim: true },
        { text: ` ──▶ ${words.ui.halfClose}`, color: 'blue', italic: true },
      ];
    case 'headers': {
      const out = event.direction === 'client->server';
      const trailers = event.kind === 'trailers' || event.kind === 'trailers-only';
      const details = trailers ? statusDetailsSummary(event.headers) : undefined;
      return [
        { text: formatMs(event.ms), dim: true },
        { text: out ? ' ──▶ ' : ' ◀── ', color: out ? 'blue' : 'green' },
        { text: HEADER_LABEL[event.kind].padStart(6), color: trailers ? 'magenta' : 'cyan' },
        ...(details ? [{ text: `  ${words.errorDetails} ${details}`, color: 'red' as const }] : []),
        { text: `  ${headerList(event.headers)}`, dim: true },
      ];
    }
    case 'connectivity':
      return [
        { text: formatMs(event.ms), dim: true },
        {
          text: `  ${words.channel(event.state)}`,
          color: event.state === 'READY' ? 'green' : event.state === 'TRANSIENT_FAILURE' ? 'red' : 'yellow',
          italic: true,
        },
      ];
    case 'transport':
      // Green for TLS, yellow for a connection anyone on the path can read.
      return [
        { text: formatMs(event.ms), dim: true },
        { text: `  ${transportText(event, words)}`, color: event.tls ? 'green' : 'yellow' },
      ];
    case 'status': {
      const ok = event.code === 0;
      return [
        { text: formatMs(event.ms), dim: true },
        { text: `  ${words.ui.status(event.codeName)}`, color: ok ? 'green' : 'red', bold: true },
        { text: ok || !event.details ? '' : words.ui.statusDetails(event.details), color: 'red' },
      ];
    }
    case 'fault':
      return [
        { text: formatMs(event.ms), dim: true },
        { text: `  ${words.ui.fault(FAULT_LABEL[event.fault])}`, color: 'magenta', bold: true },
        { text: `  ${words.faultDetail(event.detail)}`, color: 'magenta' },
      ];
  }
}

/** A row of a lesson that runs several clients leads with the client's label, in a column `width` wide. */
export function withClientLabel(row: TimelineRow, line: StyledLine, width: number): StyledLine {
  return row.client === undefined ? line : [{ text: `${row.client.padEnd(width)} `, bold: true }, ...line];
}

/**
 * A call's row in a lesson with several servers says, right after the method,
 * the backend the call went to, once it is known: "run 1 · call 4 SayHello → b unary".
 */
export function withBackend(row: TimelineRow, line: StyledLine, backend: string | undefined): StyledLine {
  if (row.event.type !== 'call' || backend === undefined) return line;
  return [...line.slice(0, 2), { text: ` → ${backend}`, color: 'magenta', bold: true }, ...line.slice(2)];
}

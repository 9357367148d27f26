// Sends wire events to the parent process in batches: one IPC message per
// message on the wire would cost more than the call it describes.
import type { WireEvent } from './events.js';

export interface EventBatch {
  type: 'wire';
  events: WireEvent[];
}

export function createIpcSink(maxBatch = 512): { emit(event: WireEvent): void; flush(): Promise<void> } {
  let pending: WireEvent[] = [];
  let scheduled = false;
  let inFlight: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    scheduled = false;
    if (pending.length === 0 || !process.send) return inFlight;
    const batch: EventBatch = { type: 'wire', events: pending };
    pending = [];
    inFlight = new Promise((resolve) => process.send!(batch, undefined, undefined, () => resolve()));
    return inFlight;
  };

  return {
    emit(event) {
      pending.push(event);
      if (pending.length >= maxBatch) void flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

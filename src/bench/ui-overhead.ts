// A 100,000-message server stream through lesson 02's server, with the lesson
// UI attached (wire tap in the client, events over IPC into the store, Ink
// rendering the lesson view) and headless (the same client, no tap, no UI).
import { fileURLToPath } from 'node:url';
import { Writable, PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { render } from 'ink';
import { createElement } from 'react';
import { findLesson } from '../lessons.js';
import { LessonSession } from '../runner/session.js';
import { ATTACH, spawnScript } from '../runner/child.js';
import { decodeBatch, type EventBatch } from '../instrument/ipc-sink.js';
import { UiStore } from '../ui/store.js';
import { LessonController } from '../ui/controller.js';
import { App } from '../ui/App.js';
import { collectGarbage, median, mib, ratio } from '../compare/stats.js';

const STREAM_CLIENT = fileURLToPath(new URL('./stream-client.ts', import.meta.url));

interface StreamRun {
  received: number;
  ms: number;
}

function runStreamClient(target: string, count: number, onBatch?: (batch: EventBatch) => void): Promise<StreamRun> {
  return new Promise((resolve, reject) => {
    let result: StreamRun | undefined;
    let errors = '';
    spawnScript(
      STREAM_CLIENT,
      [target, String(count)],
      {
        onLine: (stream, line) => {
          if (stream === 'stdout' && line.startsWith('{')) result = JSON.parse(line) as StreamRun;
          else errors += `${line}\n`;
        },
        onMessage: onBatch ? (message) => onBatch(message as EventBatch) : undefined,
        onExit: (code) =>
          code === 0 && result ? resolve(result) : reject(new Error(`stream client failed (${code}): ${errors}`)),
      },
      onBatch ? { preload: [ATTACH] } : { ipc: false },
    );
  });
}

/** A terminal that throws its output away, so the bench measures rendering and not a terminal emulator. */
function nullTerminal(): NodeJS.WriteStream {
  const stream = new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40 });
  return stream;
}

export interface UiOverheadResult {
  messages: number;
  rounds: number;
  headlessMsgPerSec: number;
  attachedMsgPerSec: number;
  throughputRatio: number;
  framesRendered: number;
  maxFramesPerSecond: number;
  heapMiB: number[];
  timelineKept: number;
}

export async function measureUiOverhead(messages = 100_000, rounds = 3, log = console.log): Promise<UiOverheadResult> {
  const lesson = findLesson('02')!;
  const session = new LessonSession(lesson);
  const port = await session.startServer();
  const target = `127.0.0.1:${port}`;

  const store = new UiStore();
  store.openLesson(lesson);
  store.state.files = {
    text: readFileSync(lesson.textPath, 'utf8'),
    server: readFileSync(lesson.serverPath, 'utf8'),
    client: readFileSync(lesson.clientPath, 'utf8'),
  };
  store.state.size = { columns: 120, rows: 40 };
  const frameTimes: number[] = [];
  const app = render(
    createElement(App, { store, controller: new LessonController(store, { watch: false }), trackTerminalSize: false }),
    {
      stdout: nullTerminal(),
      stdin: Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream,
      patchConsole: false,
      maxFps: 30,
      onRender: () => frameTimes.push(Date.now()),
    },
  );

  const headless: number[] = [];
  const attached: number[] = [];
  const heapMiB: number[] = [];
  try {
    await runStreamClient(target, 1_000); // warm the server up
    for (let round = 1; round <= rounds; round++) {
      const plain = await runStreamClient(target, messages);
      headless.push((plain.received / plain.ms) * 1000);
      const withUi = await runStreamClient(target, messages, (batch) =>
        store.apply({ type: 'wire', run: round, events: decodeBatch(batch) }),
      );
      attached.push((withUi.received / withUi.ms) * 1000);
      collectGarbage();
      heapMiB.push(mib(process.memoryUsage().heapUsed));
      log(
        `  round ${round}: headless ${Math.round(headless.at(-1)!)} msg/s, UI attached ${Math.round(attached.at(-1)!)} msg/s, heap ${heapMiB.at(-1)} MiB`,
      );
    }
  } finally {
    app.unmount();
    store.dispose();
    await session.stop();
  }

  // Frames per second, over one-second windows.
  let maxFramesPerSecond = 0;
  for (let start = 0, end = 0; end < frameTimes.length; end++) {
    while (frameTimes[end] - frameTimes[start] >= 1_000) start++;
    maxFramesPerSecond = Math.max(maxFramesPerSecond, end - start + 1);
  }
  return {
    messages,
    rounds,
    headlessMsgPerSec: Math.round(median(headless)),
    attachedMsgPerSec: Math.round(median(attached)),
    throughputRatio: ratio(median(attached), median(headless)),
    framesRendered: frameTimes.length,
    maxFramesPerSecond,
    heapMiB,
    timelineKept: store.state.timeline.length,
  };
}

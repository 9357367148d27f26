// npm run bench: every measurement, side by side in one run, printed as
// ratios (this kind of machine is shared and noisy: absolute numbers move,
// ratios measured moments apart much less) and written to bench-results.json.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

// The UI is measured as users run it: with React's production build.
process.env.NODE_ENV ??= 'production';

/** The parts of the bench, in the order they run; --only picks some. */
const PARTS = [
  'rest-vs-grpc',
  'instrumentation',
  'ui-overhead',
  'first-frame',
  'flow-control',
  'chat-fanout',
  'load-balancing',
  'tls-cost',
  'nginx-hop',
] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string', multiple: true },
    rounds: { type: 'string' },
    out: { type: 'string', default: 'bench-results.json' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench [-- --quick] [-- --only PART]... [-- --rounds N] [-- --out FILE]

Measures, on this machine, in one run, part by part:
  rest-vs-grpc      lesson 05: bytes on the wire, latency, throughput, gRPC against REST
  instrumentation   lesson servers and the wire tap against bare grpc-js
  ui-overhead       a 100,000-message stream with the lesson UI attached vs headless
  first-frame       npm run lesson to its first frame vs a bare Ink render
  flow-control      lesson 10: its producer's memory with and without backpressure,
                    and one client stream of many tiny messages (the retry buffer's cliff)
  chat-fanout       lesson 13: messages a second reaching all three members of a room,
                    and the same with a fourth member that reads nothing
  load-balancing    lesson 18: round_robin's spread over three backends, counted by each,
                    and what a per-call ORCA load report costs a unary call
  tls-cost          lesson 15: unary p50 and one stream's throughput with mutual TLS
                    against plaintext, on loopback
  nginx-hop         lesson 20: a unary call through nginx's grpc_pass (L7) and stream
                    proxy (L4) against the backend called directly (needs nginx)
Prints ratios and writes everything to bench-results.json (--out to change).

  --quick           fewer rounds and smaller counts, for a smoke test
  --only PART       only that part; repeat it for several
                    (npm run bench -- --only first-frame --rounds 15)
  --rounds N        rounds of the first frame, each app started once a round
                    (default 5, 2 with --quick)`);
  process.exit(0);
}
const quick = values.quick === true;
const unknown = (values.only ?? []).filter((part) => !(PARTS as readonly string[]).includes(part));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(', ')}; the parts are ${PARTS.join(', ')}`);
  process.exit(2);
}
const rounds = values.rounds === undefined ? (quick ? 2 : 5) : Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds takes a whole number of at least 1, not ${values.rounds}`);
  process.exit(2);
}
/** Whether this run measures `part`: every part, unless --only names some. */
const runs = (part: Part) => !values.only?.length || values.only.includes(part);

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
console.log(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
const started = Date.now();
const results: Record<string, unknown> = {};

if (runs('rest-vs-grpc')) {
  const { measureRestVsGrpc, printRestVsGrpc } = await import('./rest-vs-grpc.js');
  console.log('\n== gRPC vs REST (lesson 05) ==');
  const restVsGrpc = await measureRestVsGrpc({ quick });
  printRestVsGrpc(restVsGrpc, console.log);
  results.restVsGrpc = restVsGrpc;
}

if (runs('instrumentation')) {
  const { measureInstrumentation } = await import('./instrumentation.js');
  console.log('\n== instrumentation overhead ==');
  const instrumentation = await measureInstrumentation(quick ? 500 : 2_000, quick ? 20_000 : 100_000, quick ? 1 : 5);
  for (const [label, side] of [
    ['lesson server vs bare grpc-js:', instrumentation.server],
    ['wire-tapped client vs plain:  ', instrumentation.client],
  ] as const) {
    console.log(
      `  ${label} unary p50 ratio ${side.latencyRatio} (${side.p50Ms} vs ${side.baselineP50Ms} ms), stream throughput ratio ${side.throughputRatio} (${side.msgPerSec} vs ${side.baselineMsgPerSec} msg/s)`,
    );
  }
  console.log('  target: overhead at most 10% (latency ratio <= 1.10, throughput ratio >= 0.90)');
  results.instrumentation = instrumentation;
}

if (runs('ui-overhead')) {
  const { measureUiOverhead } = await import('./ui-overhead.js');
  console.log('\n== UI overhead ==');
  const ui = await measureUiOverhead(quick ? 20_000 : 100_000, quick ? 1 : 5);
  console.log(
    `  ${ui.messages} messages: UI attached ${ui.attachedMsgPerSec} msg/s vs headless ${ui.headlessMsgPerSec} msg/s: ratio ${ui.throughputRatio} (target >= 0.80)`,
  );
  console.log(
    `  frames rendered ${ui.framesRendered}, at most ${ui.maxFramesPerSecond} in any second (cap 30); timeline kept ${ui.timelineKept} rows; heap after each round ${ui.heapMiB.join(', ')} MiB`,
  );
  results.ui = ui;
}

if (runs('first-frame')) {
  const { measureFirstFrame } = await import('./first-frame.js');
  console.log('\n== first frame ==');
  const firstFrame = await measureFirstFrame(rounds);
  console.log(
    `  bare Ink hello ${firstFrame.bareInkMs} ms; lesson UI ${firstFrame.lessonUiMs} ms (ratio ${firstFrame.ratio}, target <= 1.1); via npm run lesson ${firstFrame.lessonUiViaNpmMs} ms (ratio ${firstFrame.ratioViaNpm}, target <= 1.5)`,
  );
  console.log(
    `  with every lesson completed, lesson UI ${firstFrame.lessonUiAllCompletedMs} ms (ratio ${firstFrame.ratioAllCompleted})`,
  );
  results.firstFrame = firstFrame;
}

if (runs('flow-control')) {
  const { measureFlowControl, printFlowControl } = await import('./flow-control.js');
  console.log('\n== flow control (lesson 10) ==');
  const flowControl = await measureFlowControl({ quick });
  printFlowControl(flowControl, console.log);
  results.flowControl = flowControl;
}

if (runs('chat-fanout')) {
  const { measureChatFanout, printChatFanout } = await import('./chat-fanout.js');
  console.log('\n== chat fan-out (lesson 13) ==');
  const chatFanout = await measureChatFanout({ quick });
  printChatFanout(chatFanout, console.log);
  results.chatFanout = chatFanout;
}

if (runs('load-balancing')) {
  const { measureLoadBalancing, printLoadBalancing } = await import('./load-balancing.js');
  console.log('\n== load balancing (lesson 18) ==');
  const loadBalancing = await measureLoadBalancing({ quick });
  printLoadBalancing(loadBalancing, console.log);
  results.loadBalancing = loadBalancing;
}

if (runs('tls-cost')) {
  const { measureTlsCost, printTlsCost } = await import('./tls-cost.js');
  console.log('\n== TLS against plaintext (lesson 15) ==');
  const tlsCost = await measureTlsCost({ quick });
  printTlsCost(tlsCost, console.log);
  results.tlsCost = tlsCost;
}

if (runs('nginx-hop')) {
  const { measureNginxHop, printNginxHop } = await import('./nginx-hop.js');
  console.log('\n== the nginx hop (lesson 20) ==');
  const nginxHop = await measureNginxHop({ quick });
  printNginxHop(nginxHop, console.log);
  results.nginxHop = nginxHop;
}

const seconds = Math.round((Date.now() - started) / 1000);
writeFileSync(
  values.out!,
  `${JSON.stringify({ date: new Date().toISOString(), machine, seconds, ...results }, null, 2)}\n`,
);
console.log(`\ndone in ${seconds} s; results in ${values.out}`);
process.exit(0);

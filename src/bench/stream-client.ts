// Benchmark helper: one LotsOfReplies stream of N replies, timed by the client.
// Run under an IPC channel, it reports every message to its parent exactly as
// a lesson client under the UI does.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld, setPackageInstrument } from '../proto.js';
import { createWireTap } from '../instrument/wiretap.js';
import { createIpcSink } from '../instrument/ipc-sink.js';

const [target, countText] = process.argv.slice(2);
const count = Number(countText);
const sink = process.send ? createIpcSink() : undefined;
if (sink) setPackageInstrument(createWireTap(sink.emit, { previewCaptured: false }));

const { rpc_package } = loadHelloWorld();
const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
const started = performance.now();
let received = 0;
for await (const _reply of client.LotsOfReplies({ name: 'bench', reply_count: count })) received += 1;
const ms = performance.now() - started;
await sink?.flush();
client.close();
console.log(JSON.stringify({ received, ms }));
process.exit(received === count ? 0 : 1);

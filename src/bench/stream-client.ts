// Benchmark helper: one LotsOfReplies stream of N replies, timed by the client.
// Started with the tutorial's preload (src/instrument/attach.ts) and an IPC
// channel, it reports every message to its parent exactly as a lesson client
// under the UI does.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../proto.js';

const [target, countText] = process.argv.slice(2);
const count = Number(countText);

const { rpc_package } = loadHelloWorld();
const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
const started = performance.now();
let received = 0;
for await (const _reply of client.LotsOfReplies({ name: 'bench', reply_count: count })) received += 1;
const ms = performance.now() - started;
client.close();
console.log(JSON.stringify({ received, ms }));
// Exit by running out of work, so the preload's last batch of events goes out.
process.exitCode = received === count ? 0 : 1;

// Benchmark helper: lesson 10's server in a process of its own, so that its
// memory is the producer's alone. It reports the port it bound, then answers
// 'sample' from its parent: collect the garbage, then measure what is left,
// which is what the process holds.
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { findLesson } from '../lessons.js';
import type { LessonServerModule } from '../lessons.js';

export interface MemorySample {
  rss: number;
  /** Buffers and other memory outside the JavaScript heap: the chunks a producer holds. */
  arrayBuffers: number;
  heapUsed: number;
}

export type ProducerMessage = { type: 'listening'; port: number } | { type: 'sample'; memory: MemorySample };

const { createServer } = (await import(pathToFileURL(findLesson('10')!.serverPath).href)) as LessonServerModule;
// The lesson logs its progress four times a second; the parent does not read it.
console.log = () => {};
const server = createServer();
const send = (message: ProducerMessage) => process.send!(message);

process.on('message', async (message) => {
  if (message !== 'sample') return;
  // Only what is still referenced: garbage not yet collected is not held.
  // (A buffer's bytes are freed a moment after the collection that finds it.)
  for (let round = 0; round < 3; round++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rss, arrayBuffers, heapUsed } = process.memoryUsage();
  send({ type: 'sample', memory: { rss, arrayBuffers, heapUsed } });
});
process.on('disconnect', () => server.forceShutdown());

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  send({ type: 'listening', port });
});

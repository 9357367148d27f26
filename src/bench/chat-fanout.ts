// Lesson 13's measurement: how fast the chat room fans messages out. The
// lesson's server runs in a process of its own, as the tutorial runs it; three
// members, each on a connection of its own, join from this process. One of
// them sends messages as fast as flow control lets it, and the clock stops
// when all three have received the last one. Then the same with a fourth
// member that reads one event and then nothing: the room drops it, and the
// three others should go as fast as before.
//
// Part of `npm run bench`; alone: npx tsx src/bench/chat-fanout.ts [--quick]
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { spawnLessonFile, stopChild } from '../runner/child.js';
import { isListeningMessage } from '../instrument/ipc-sink.js';
import { findLesson } from '../lessons.js';
import { PROTO_DIR, loadDefinition } from '../proto.js';
import { median, ratio } from '../compare/stats.js';
import type { ProtoGrpcType } from '../generated/chat.js';
import type { ChatEvent__Output } from '../generated/chat/ChatEvent.js';
import type { ChatMessage } from '../generated/chat/ChatMessage.js';

export interface ChatFanoutResult {
  members: number;
  /** Messages one member sent in each round. */
  messages: number;
  rounds: number;
  /** Messages a second that reached every member (the median round). */
  msgPerSec: number;
  /** The same counted per member: each message is delivered `members` times. */
  deliveriesPerSec: number;
  /** The same three members, with a fourth that stopped reading. */
  withStalledMember: {
    msgPerSec: number;
    /** Over msgPerSec without it: 1 means the stalled member cost the others nothing. */
    ratio: number;
    /** Whether the room dropped the stalled member as too slow, in every round. */
    dropped: boolean;
  };
}

const { chat } = grpc.loadPackageDefinition(loadDefinition(`${PROTO_DIR}chat.proto`)) as unknown as ProtoGrpcType;

export async function measureChatFanout({ quick = false } = {}): Promise<ChatFanoutResult> {
  const messages = quick ? 5_000 : 20_000;
  const rounds = quick ? 1 : 3;
  const server = await startLessonServer();
  try {
    let round = 0;
    const run = (stalled: boolean, count = messages) => fanOut(server.target, `r${++round}`, count, stalled);
    await run(false, 1_000); // warm-up: code paths, connections
    const plain: number[] = [];
    const withStalled: number[] = [];
    let dropped = true;
    for (let index = 0; index < rounds; index++) {
      plain.push((await run(false)).msgPerSec);
      const result = await run(true);
      withStalled.push(result.msgPerSec);
      dropped &&= result.stalledDropped;
    }
    const msgPerSec = Math.round(median(plain));
    const stalledRate = Math.round(median(withStalled));
    return {
      members: 3,
      messages,
      rounds,
      msgPerSec,
      deliveriesPerSec: msgPerSec * 3,
      withStalledMember: { msgPerSec: stalledRate, ratio: ratio(stalledRate, msgPerSec), dropped },
    };
  } finally {
    await stopChild(server.child);
  }
}

export function printChatFanout(result: ChatFanoutResult, log: (line: string) => void): void {
  log(
    `  ${result.members} members, one sending ${result.messages} messages: ${result.msgPerSec} msg/s reach all ${result.members} ` +
      `(${result.deliveriesPerSec} deliveries/s), median of ${result.rounds}`,
  );
  const stalled = result.withStalledMember;
  log(
    `  with a fourth member that reads nothing: ${stalled.msgPerSec} msg/s (ratio ${stalled.ratio}); ` +
      `${stalled.dropped ? 'the room dropped it as too slow' : 'the room did NOT drop it'}`,
  );
}

function startLessonServer(): Promise<{ child: ChildProcess; target: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawnLessonFile(findLesson('13')!.serverPath, ['--port', '0'], {
      onLine: () => {},
      onMessage: (message) => {
        if (isListeningMessage(message)) resolve({ child, target: `127.0.0.1:${message.port}` });
      },
      onExit: (code) => reject(new Error(`the lesson 13 server exited early (${code})`)),
    });
  });
}

/** One member on a connection of its own, counting the messages `from` said. */
function joinAs(target: string, name: string, from: string) {
  // A channel of its own, not one shared with the other members (grpc-js
  // shares connections between channels to the same address by default).
  const client = new chat.ChatRoom(target, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });
  const call = client.Chat({ deadline: Date.now() + 120_000 });
  const member = { name, call, client, received: 0, joined: false, heard: new Set<string>() };
  call.on('data', (event: ChatEvent__Output) => {
    if (event.kind === 'SAID' && event.member === from) member.received += 1;
    else if (event.kind === 'JOINED' && event.member === name) member.joined = true;
    else if (event.kind === 'LEFT') member.heard.add(`${event.member} ${event.text}`);
  });
  call.on('error', () => {});
  call.write({ join: name } satisfies ChatMessage);
  return member;
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`chat fan-out: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function fanOut(
  target: string,
  prefix: string,
  count: number,
  withStalled: boolean,
): Promise<{ msgPerSec: number; stalledDropped: boolean }> {
  const sender = `${prefix}-ada`;
  const members = [sender, `${prefix}-bob`, `${prefix}-cy`].map((name) => joinAs(target, name, sender));
  // A member that reads its first event and then nothing (pausing before
  // then would not do: grpc-js takes in everything for a call whose reader
  // has not asked for a first message).
  const stalled = withStalled ? joinAs(target, `${prefix}-slow`, sender) : undefined;
  stalled?.call.once('data', () => stalled.call.pause());
  try {
    await until(() => members.every((member) => member.joined) && (!stalled || stalled.joined), 'the members to join');
    const started = performance.now();
    const [ada] = members;
    for (let index = 1; index <= count; index++)
      if (!ada.call.write({ text: `message ${index}` })) await once(ada.call, 'drain');
    await until(() => members.every((member) => member.received === count), 'every member to receive every message');
    const seconds = (performance.now() - started) / 1_000;
    return {
      msgPerSec: count / seconds,
      stalledDropped: stalled !== undefined && members[1].heard.has(`${stalled.name} too slow`),
    };
  } finally {
    for (const member of [...members, ...(stalled ? [stalled] : [])]) {
      member.call.cancel();
      member.client.close();
    }
  }
}

// Alone: print the measurement.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printChatFanout(await measureChatFanout({ quick: process.argv.includes('--quick') }), console.log);
  process.exit(0);
}

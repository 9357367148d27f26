// Exercise: one member at the keyboard (lesson 13, exercise 2).
// Your copy is exercises/13-chat-room/client.ts; `npm run verify -- 13
// --exercise 2` runs it with --interactive and lines on its stdin, against a
// room that records what reached it. `npm run exercise -- hint 13 --exercise
// 2` gives a hint. The rest of the file already works: it is lesson 13's client.
//   npx tsx exercises/13-chat-room/client.ts --interactive --name N [--slow-ms MS] [--target H:P]
//   npx tsx exercises/13-chat-room/client.ts [--target H:P] [--name N]...
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/chat.js';
import type { ChatEvent__Output } from '../../src/generated/chat/ChatEvent.js';
import type { ChatMessage } from '../../src/generated/chat/ChatMessage.js';
import type { ChatRoomClient } from '../../src/generated/chat/ChatRoom.js';

const packageDefinition = protoLoader.loadSync('chat.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { chat } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** What the first member says in the scripted run. */
const GREETING = 'hello, everyone';
/** The scripted run takes a moment; a member at the keyboard may stay an hour, then joins again. */
const SCRIPTED_DEADLINE_MS = 10_000;
const INTERACTIVE_DEADLINE_MS = 60 * 60_000;

type ChatCall = grpc.ClientDuplexStream<ChatMessage, ChatEvent__Output>;

/** An event as one line: "bob: hello", "* cy joined", "* cy left (too slow)". */
export function describeEvent({ kind, member, text }: ChatEvent__Output): string {
  if (kind === 'SAID') return `${member}: ${text}`;
  if (kind === 'JOINED') return `* ${member} joined`;
  return `* ${member} left${text ? ` (${text})` : ''}`;
}

// Joining opens the call and sends the name as its first message. The call
// stays open for as long as the member is in the room: it is the member's
// seat, and the server's only way to reach it.
function join(client: ChatRoomClient, name: string, deadlineMs: number): ChatCall {
  const call = client.Chat({ deadline: Date.now() + deadlineMs });
  call.write({ join: name });
  return call;
}

/** The scripted run: every line it prints comes in an order the script sets, whatever the timing. */
export async function runClient({
  target,
  names = ['ada', 'bob', 'cy'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  // One channel for all of them: the calls share one HTTP/2 connection, as
  // separate streams. (In the lesson UI, each member is a process of its own.)
  const client = new chat.ChatRoom(target, grpc.credentials.createInsecure());
  const members: { name: string; call: ChatCall; events: AsyncIterator<ChatEvent__Output> }[] = [];
  // Waits until each of `some` has its next event, then prints them in their
  // order, each prefixed with who got it. (Waiting for all at once: the call
  // that fails, if one does, is heard of at once.)
  const receive = async (some: typeof members) => {
    const results = await Promise.all(some.map((member) => member.events.next()));
    results.forEach(({ value, done }, index) => {
      if (done) throw new Error(`${some[index].name}'s call ended early`);
      console.log(`[${some[index].name}] #${value.sequence} ${describeEvent(value)}`);
    });
  };
  try {
    for (const name of names) {
      const call = join(client, name, SCRIPTED_DEADLINE_MS);
      members.push({ name, call, events: call[Symbol.asyncIterator]() });
      // Everyone in the room so far hears of it, the new member included.
      await receive(members);
    }
    // One message in; one event out to every member, the sender too.
    if (members.length > 0) {
      members[0].call.write({ text: GREETING });
      await receive(members);
    }
    while (members.length > 0) {
      const leaving = members.shift()!;
      // Half-close: no more messages from this member, its goodbye. The
      // server then ends the call, and the iterator ends with an OK status.
      leaving.call.end();
      const { done } = await leaving.events.next();
      if (!done) throw new Error(`${leaving.name} got an event after leaving`);
      console.log(`[${leaving.name}] left: the call ended OK`);
      await receive(members);
    }
  } finally {
    // A failed run leaves calls open: cancel them, so the server hears at once.
    for (const { call } of members) call.cancel();
    client.close();
  }
}

/**
 * One member at the keyboard: every line read from `input` is a message,
 * every event of the room a line printed. It leaves when `input` ends or
 * `leave` is aborted, and resolves once the server has ended the call.
 */
export async function chatInteractively({
  target,
  name,
  slowMs = 0,
  input = process.stdin,
  leave,
}: {
  target: string;
  name: string;
  slowMs?: number;
  input?: NodeJS.ReadableStream;
  leave?: AbortSignal;
}): Promise<void> {
  const client = new chat.ChatRoom(target, grpc.credentials.createInsecure());
  const call = join(client, name, INTERACTIVE_DEADLINE_MS);
  const lines = createInterface({ input, terminal: false });
  let left = false;
  // TODO: the sending half of the call, and the goodbye. Each line read from
  // input (skip blank ones) is a message: write it to the call as { text }.
  // Respect backpressure: while write() says false, read no more lines until
  // the call drains. When input ends, or `leave` is aborted, say goodbye, once:
  // stop reading lines and half-close the call (no more messages from this
  // member). Do not cancel it: the room still has events on their way, and
  // the loop below reads them until the server ends the call with its status.
  try {
    // The other half of the call, independent of the sending above: events
    // as the room sends them. A slow member reads each one late; meanwhile
    // grpc-js reads no further, and the room's events wait on the server.
    for await (const event of call as AsyncIterable<ChatEvent__Output>) {
      // Once it has said goodbye, it reads the rest at full speed: the
      // server's status comes after the events already on their way.
      if (slowMs > 0 && !left) await sleep(slowMs);
      console.log(describeEvent(event));
    }
  } finally {
    left = true;
    lines.close();
    client.close();
  }
}

async function main(): Promise<void> {
  const flags = clientFlags();
  try {
    if (!flags.interactive) return await runClient({ target: flags.target, names: flags.names });
    // Ctrl-C or a SIGTERM: leave the room properly (half-close, then the
    // server's OK), so the others read "left", not "left (cancelled)".
    const leave = new AbortController();
    const onSignal = () => leave.abort();
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    await chatInteractively({ target: flags.target, name: flags.names![0], slowMs: flags.slowMs, leave: leave.signal });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; interactive: boolean; slowMs: number } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        name: { type: 'string', multiple: true },
        interactive: { type: 'boolean', default: false },
        'slow-ms': { type: 'string' },
      },
    });
    const slowMs = Number(values['slow-ms'] ?? 0);
    if (values.interactive && values.name?.length !== 1) throw new Error('--interactive takes exactly one --name');
    if (values['slow-ms'] !== undefined && !values.interactive) throw new Error('--slow-ms needs --interactive');
    if (!/^\d+$/.test(values['slow-ms'] ?? '0') || slowMs > 60_000)
      throw new Error(`--slow-ms must be a number from 0 to 60000, got "${values['slow-ms']}"`);
    return { target: values.target, names: values.name, interactive: values.interactive, slowMs };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

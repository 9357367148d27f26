// Exercise: fan every event out to the whole room (lesson 13, exercise 1).
// Your copy is exercises/13-chat-room/server.ts; `npm run verify -- 13
// --exercise 1` runs it, joins its room with several members at once, and
// compares what each of them received. `npm run exercise -- hint 13
// --exercise 1` gives a hint. The rest of the file already works: it is
// lesson 13's server.
//   npx tsx exercises/13-chat-room/server.ts [--host H] [--port P]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/chat.js';
import type { ChatEvent } from '../../src/generated/chat/ChatEvent.js';
import type { ChatMessage__Output } from '../../src/generated/chat/ChatMessage.js';
import type { ChatRoomHandlers } from '../../src/generated/chat/ChatRoom.js';

// Load options as in lesson 01. With oneofs, a decoded ChatMessage says which
// member of its oneof is set: body is 'join' or 'text'.
const packageDefinition = protoLoader.loadSync('chat.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { chat } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** Events one member may have waiting on the server before it is dropped as too slow. */
const MAX_QUEUED_EVENTS = 100;
const MAX_NAME_LENGTH = 32;
const MAX_TEXT_LENGTH = 1_000;

type MemberCall = grpc.ServerDuplexStream<ChatMessage__Output, ChatEvent>;

/** One member: its open call, and the events it has not taken yet. */
interface Member {
  name: string;
  call: MemberCall;
  // Events that came while grpc-js was holding a full buffer for this member
  // (its write() said false and no 'drain' has come since).
  queue: ChatEvent[];
  full: boolean;
}

// Every room this process serves, one a server: main() closes them all when
// the process shuts down.
const rooms = new Set<Room>();

/** The room: the set of open calls, and the sequence number of its last event. */
class Room {
  private readonly members = new Map<string, Member>();
  private sequence = 0;

  constructor() {
    rooms.add(this);
  }

  join(name: string, call: MemberCall): Member | undefined {
    if (this.members.has(name)) return undefined;
    const member: Member = { name, call, queue: [], full: false };
    // 'drain': grpc-js has sent what it held for this member. Hand it the
    // queued events, and stop again at the next false.
    call.on('drain', () => {
      member.full = false;
      while (member.queue.length > 0 && !member.full) member.full = !call.write(member.queue.shift()!);
    });
    this.members.set(name, member);
    console.log(`${name} joined; in the room: ${this.names()}`);
    this.broadcast({ kind: 'JOINED', member: name });
    return member;
  }

  /**
   * Takes the member out of the room and tells the others, with why: what the
   * call saw ('end' or 'cancelled', whichever came first), or the room's own
   * reason. False if the member was out already.
   */
  leave(member: Member, why: 'end' | 'cancelled' | 'too slow' | 'refused'): boolean {
    if (this.members.get(member.name) !== member) return false;
    this.members.delete(member.name);
    console.log(`${member.name} left (${why}); in the room: ${this.names() || 'nobody'}`);
    // The others read "* ada left", or "* ada left (too slow)".
    this.broadcast({ kind: 'LEFT', member: member.name, text: why === 'end' ? '' : why });
    return true;
  }

  say(member: Member, text: string): void {
    this.broadcast({ kind: 'SAID', member: member.name, text });
  }

  // Fan-out: one event, to the members of the room.
  private broadcast(event: Omit<ChatEvent, 'sequence'>): void {
    // TODO: this gives each event only to the member it is about, an echo.
    // Give it to every member in the room, the sender too (its echo is how a
    // member sees where its message fell among the others'). Number each event
    // once, for the whole room, so that every member sees the same numbers in
    // the same order. Write with deliver(), which never waits: one slow member
    // must not hold up the rest. It says false for a member too slow to keep
    // up: drop() those, but only after every member has been given the event.
    const numbered = { sequence: ++this.sequence, ...event };
    const member = this.members.get(event.member ?? '');
    if (member && !this.deliver(member, numbered)) this.drop(member);
  }

  /** Writes the event, or queues it while grpc-js holds a full buffer; false when the queue is full too. */
  private deliver(member: Member, event: ChatEvent): boolean {
    if (member.full) {
      if (member.queue.length >= MAX_QUEUED_EVENTS) return false;
      member.queue.push(event);
      return true;
    }
    // write() returns false once grpc-js holds 16 events this member's
    // connection has not taken: from then on, events wait in its queue.
    member.full = !member.call.write(event);
    return true;
  }

  // A member that falls this far behind is not keeping up and will not catch
  // up: end its call, rather than hold ever more events for it, or skip
  // events and leave it with a room that is not the others' room.
  // RESOURCE_EXHAUSTED says it was the server's limit. The status goes out
  // after the events grpc-js already holds for it: the slow member reads
  // those first, and learns last, while the others know at once. (One that
  // never reads again keeps those until its deadline or its connection
  // ends: bounded, but not nothing.)
  private drop(member: Member): void {
    const waiting = member.queue.length;
    if (!this.leave(member, 'too slow')) return;
    member.queue = [];
    console.log(`${member.name} dropped: its queue of ${waiting} events was full`);
    member.call.emit('error', {
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: `too slow: ${waiting} events waiting for you`,
    });
  }

  /** Ends every member's call: the server is going away. */
  close(): void {
    for (const member of [...this.members.values()]) {
      this.members.delete(member.name);
      // UNAVAILABLE: not now, come back later (to this server, or another).
      member.call.emit('error', {
        code: grpc.status.UNAVAILABLE,
        details: 'the room is closing: server shutting down',
      });
    }
  }

  private names(): string {
    return [...this.members.keys()].join(', ');
  }
}

function chatHandler(room: Room): ChatRoomHandlers['Chat'] {
  return (call) => {
    let member: Member | undefined;
    // A request that breaks the contract ends the call with a status, and the
    // member leaves the room first, so that the others hear of it.
    const refuse = (code: grpc.status, details: string) => {
      if (member) room.leave(member, 'refused');
      call.emit('error', { code, details });
    };

    // Both streams of the call are independent: requests arrive here while
    // events go out through the room, each at its own pace.
    call.on('data', (message: ChatMessage__Output) => {
      if (call.cancelled || call.writableEnded) return;
      if (!member) {
        // Joining is the call's first message, not a metadata header: the
        // name is then a typed field of the contract, checked like any other,
        // and every language's generated code knows it.
        const name = message.join?.trim() ?? '';
        if (message.body !== 'join') return refuse(grpc.status.INVALID_ARGUMENT, 'the first message must be a join');
        if (name === '' || name.length > MAX_NAME_LENGTH)
          return refuse(grpc.status.INVALID_ARGUMENT, `a name must be 1 to ${MAX_NAME_LENGTH} characters`);
        member = room.join(name, call);
        if (!member) refuse(grpc.status.ALREADY_EXISTS, `${name} is already in the room`);
        return;
      }
      const text = message.text ?? '';
      if (message.body !== 'text') return refuse(grpc.status.INVALID_ARGUMENT, 'already joined: send text');
      if (text.trim() === '' || text.length > MAX_TEXT_LENGTH)
        return refuse(grpc.status.INVALID_ARGUMENT, `a message must be 1 to ${MAX_TEXT_LENGTH} characters`);
      room.say(member, text);
      // One message at a time, with the event loop in between. Node hands a
      // burst of messages (all that came in one read from the socket) to
      // 'data' in one go, and no write reaches any connection meanwhile: a
      // burst of a hundred would fill every member's queue, the fast ones'
      // too. Paused, the next message waits until the events of this one
      // are on their way; the sender's own messages wait in HTTP/2 flow
      // control, so a flood slows its sender, not the room.
      call.pause();
      setImmediate(() => call.resume());
    });

    // 'end': the client will send nothing more. A member that leaves
    // half-closes; so does a grpc-js client that cancels, or whose deadline
    // passes, just before it resets the stream; and so does every stream of a
    // connection whose other end closed it (a killed process). The handler
    // cannot tell these apart, and it need not: either way the member has
    // gone. Out of the room, so that nothing more is sent to it; then end()
    // our side, which sends OK if anyone is still there to read it.
    call.on('end', () => {
      if (member) room.leave(member, 'end');
      if (!call.cancelled && !call.writableEnded) call.end();
    });

    // 'cancelled': the call is over. It comes after 'end' in all the cases
    // above, and after the status of a call that ended normally too (grpc-js
    // signals every call's end this way, so that a handler always gets to
    // free what it holds). It comes alone when a connection died without a
    // word: reset, or gone silent and found by keepalive (lesson 11).
    call.on('cancelled', () => {
      if (member) room.leave(member, 'cancelled');
    });
  };
}

/** A server with this lesson's service on it, not yet bound to an address. Each server is one room. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(chat.ChatRoom.service, { Chat: chatHandler(new Room()) });
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  const server = createServer();
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
  });
  // Graceful shutdown: refuse new calls, let running ones finish, then exit.
  // A member's call never finishes by itself, so the room ends them all at
  // once; anything still open after 2 s is cut off.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
    for (const room of rooms) room.close();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

function serverFlags(): { host: string; port: number } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '50051' } },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    return { host: values.host, port };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

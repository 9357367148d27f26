// Lesson 13: a chat room. Judged on the server's side: each member's call is
// watched from outside the lesson code (what the room wrote to it, whether it
// wrote on after write() said false, what the call saw, 'end' or 'cancelled',
// and the status the room ended it with), with grpc-js members, raw HTTP/2
// members (one that reads nothing, one whose connection goes), the lesson's
// own client and server as processes, and a Python grpcio member.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { LessonServerModule } from '../src/lessons.js';
import { PROTO_DIR, loadDefinition } from '../src/proto.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import type { ProtoGrpcType } from '../src/generated/chat.js';
import type { ChatEvent__Output } from '../src/generated/chat/ChatEvent.js';
import type { ChatMessage } from '../src/generated/chat/ChatMessage.js';
import {
  PYTHON,
  ROOT,
  generatePythonCode,
  grpcFrame,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  stalledCall,
  waitFor,
} from './helpers.js';

const LESSON = lesson('13');
const BOUND = { timeout: 20_000 };
/** What grpc-js's server call holds before write() returns false: its highWaterMark, in messages. */
const HIGH_WATER_MARK = 16;
/** server.ts's MAX_QUEUED_EVENTS: what the room holds for one member before it drops it. */
const QUEUE_LIMIT = 100;
const CHAT = '/chat.ChatRoom/Chat';

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 13's Python member: ${missing}`);

const { chat } = grpc.loadPackageDefinition(loadDefinition(`${PROTO_DIR}chat.proto`)) as unknown as ProtoGrpcType;
const encode = (message: ChatMessage) => chat.ChatRoom.service.Chat.requestSerialize(message) as Buffer;

// The lesson server prints a line for each join and leave: kept here, for the
// tests to read, instead of in the test report.
const printed: string[] = [];
const consoleLog = console.log;
before(() => (console.log = (...args: unknown[]) => void printed.push(args.map(String).join(' '))));
after(() => (console.log = consoleLog));

/** One member's call, seen from inside the server. */
interface CallRecord {
  call: grpc.ServerDuplexStream<unknown, unknown>;
  /** The name it joined with (its first message). */
  name?: string;
  writes: number;
  /** write() calls made after one returned false and before 'drain': events grpc-js held beyond its limit. */
  writesWhileFull: number;
  writesAfterCancel: number;
  /** The most events the call held (writableLength after each write). */
  mostHeld: number;
  full: boolean;
  /** What the call saw, in order: 'end' (the client half-closed) and 'cancelled'. */
  seen: ('end' | 'cancelled')[];
  /** The status the room ended the call with, when it ended it with an error. */
  error?: { code: number; details: string };
}

interface Room {
  port: number;
  calls: CallRecord[];
  /** The record of the call that joined as `name` (the latest, if several did). */
  call(name: string): Promise<CallRecord>;
  stop(): Promise<void>;
}

/** The lesson's server in this process, each Chat call watched from outside the lesson's handler. */
async function startRoom(): Promise<Room> {
  const { createServer } = (await import(pathToFileURL(LESSON.serverPath).href)) as LessonServerModule;
  const calls: CallRecord[] = [];
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpc.Server, service, implementation) {
    addService.call(this, service, { Chat: watch(implementation.Chat as ChatHandler, calls) });
  };
  let server: grpc.Server;
  try {
    server = createServer();
  } finally {
    grpc.Server.prototype.addService = addService;
  }
  const port = await listen(server, '127.0.0.1', 0);
  return {
    port,
    calls,
    call: (name) =>
      waitFor(() => [...calls].reverse().find((record) => record.name === name), `${name}'s call on the server`),
    stop: () => shutdown(server, 200),
  };
}

type ChatHandler = (call: CallRecord['call']) => void;

function watch(handler: ChatHandler, calls: CallRecord[]): ChatHandler {
  return (call) => {
    const record: CallRecord = {
      call,
      writes: 0,
      writesWhileFull: 0,
      writesAfterCancel: 0,
      mostHeld: 0,
      full: false,
      seen: [],
    };
    calls.push(record);
    // Before the handler's own listeners, so these run first.
    call.once('data', (message: ChatMessage) => (record.name = message.join));
    call.on('end', () => record.seen.push('end'));
    call.on('cancelled', () => record.seen.push('cancelled'));
    call.on('drain', () => (record.full = false));
    call.on('error', (error: { code: number; details: string }) => (record.error ??= error));
    const write = call.write;
    call.write = function (this: unknown, ...args: unknown[]) {
      record.writes += 1;
      if (record.full) record.writesWhileFull += 1;
      if (record.seen.includes('cancelled')) record.writesAfterCancel += 1;
      const ok = (write as (...all: unknown[]) => boolean).apply(this, args);
      if (!ok) record.full = true;
      record.mostHeld = Math.max(record.mostHeld, call.writableLength);
      return ok;
    } as typeof call.write;
    handler(call);
  };
}

/** A member on a grpc-js channel of its own, reading every event as it comes. */
function joinAs(port: number, name: string) {
  const client = new chat.ChatRoom(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = client.Chat({ deadline: Date.now() + 15_000 });
  const member = { name, call, events: [] as ChatEvent__Output[], status: undefined as grpc.StatusObject | undefined };
  call.on('data', (event: ChatEvent__Output) => member.events.push(event));
  call.on('error', () => {});
  call.on('status', (status) => {
    member.status = status;
    client.close();
  });
  call.write({ join: name });
  return member;
}
type Member = ReturnType<typeof joinAs>;

const said = (member: Member) => member.events.filter((event) => event.kind === 'SAID');
const joined = (member: Member, name = member.name) =>
  waitFor(
    () => member.events.find((event) => event.kind === 'JOINED' && event.member === name),
    `${member.name} to hear that ${name} joined`,
  );
const heardLeave = (member: Member, name: string) =>
  waitFor(
    () => member.events.find((event) => event.kind === 'LEFT' && event.member === name),
    `${member.name} to hear that ${name} left`,
  );
const ended = (member: Member) => waitFor(() => member.status, `${member.name}'s call to end`);
/** Cleanup: each member half-closes; one whose call has not ended after a moment is cancelled. Never throws. */
const leave = async (...members: Member[]) => {
  for (const member of members) if (!member.status) member.call.end();
  await Promise.all(
    members.map((member) =>
      waitFor(() => member.status, `${member.name}'s call to end`, 2_000).catch(() => member.call.cancel()),
    ),
  );
};

describe('lesson 13: fan-out', () => {
  test('every member gets every event, the sender too, in the order the room numbered them', BOUND, async () => {
    const room = await startRoom();
    const members: Member[] = [];
    try {
      for (const name of ['ada', 'bob', 'cy']) {
        members.push(joinAs(room.port, name));
        for (const member of members) await joined(member, name);
      }
      // Two members talk at once; the room puts their messages in one order.
      for (let index = 1; index <= 20; index++) {
        members[0].call.write({ text: `ada ${index}` });
        members[1].call.write({ text: `bob ${index}` });
      }
      await waitFor(() => members.every((member) => said(member).length === 40), 'every member to get 40 messages');
      const [first, ...others] = members.map((member) =>
        said(member).map((event) => `${event.sequence} ${event.text}`),
      );
      for (const other of others) assert.deepEqual(other, first);
      const sequences = said(members[0]).map((event) => event.sequence);
      assert.deepEqual(
        sequences,
        sequences.map((_, index) => sequences[0] + index),
        'numbered without gaps',
      );
      // Seen from the server: one write per event per member, none past a false.
      for (const member of members) {
        const record = await room.call(member.name);
        assert.equal(record.writes, member.events.length);
        assert.equal(record.writesWhileFull, 0);
      }
    } finally {
      await leave(...members);
      await room.stop();
    }
  });
});

describe('lesson 13: a burst from one sender', () => {
  test('2,000 messages in one read reach every member that reads, and nobody is dropped', BOUND, async () => {
    const room = await startRoom();
    // The sender is raw HTTP/2, so that its 2,000 messages go out in one
    // write and reach the server in one read: a burst, as from a client in
    // another process that writes faster than the server reads.
    const ada = stalledCall(room.port, CHAT);
    const members: Member[] = [];
    try {
      ada.resume();
      await ada.send(encode({ join: 'ada' }));
      await room.call('ada');
      for (const name of ['bob', 'cy']) {
        members.push(joinAs(room.port, name));
        for (const member of members) await joined(member, name);
      }
      const count = 2_000;
      const burst = Array.from({ length: count }, (_, index) => grpcFrame(encode({ text: `burst ${index + 1}` })));
      ada.stream.write(Buffer.concat(burst));
      await waitFor(() => members.every((member) => said(member).length === count), 'bob and cy to get the burst');
      for (const name of ['ada', 'bob', 'cy']) {
        const record = await room.call(name);
        assert.equal(record.error, undefined, `${name} was dropped`);
        assert.equal(record.writesWhileFull, 0);
      }
      for (const member of members) assert.ok(!member.events.some((event) => event.kind === 'LEFT'));
    } finally {
      ada.close();
      await leave(...members);
      await room.stop();
    }
  });
});

describe('lesson 13: a member that reads nothing', () => {
  test(
    'the others get every message while it lags; the room holds at most 100 events for it, then drops it with RESOURCE_EXHAUSTED',
    BOUND,
    async () => {
      const room = await startRoom();
      // A raw HTTP/2 member that joins and then reads nothing: the events pile
      // up against its flow-control window, then in grpc-js, then in the room.
      const slow = stalledCall(room.port, CHAT);
      const ada = joinAs(room.port, 'ada');
      const bob = joinAs(room.port, 'bob');
      try {
        await slow.send(encode({ join: 'slow' }));
        const slowRecord = await room.call('slow');
        await joined(bob);
        await joined(ada, 'bob');
        const count = 300;
        for (let index = 1; index <= count; index++)
          if (!ada.call.write({ text: `${index} ${'x'.repeat(900)}` })) await once(ada.call, 'drain');
        // The fast members get everything, and hear of the drop, while the slow one has read nothing.
        await waitFor(() => said(bob).length === count && said(ada).length === count, 'every message at ada and bob');
        const dropped = await heardLeave(bob, 'slow');
        assert.equal(dropped.text, 'too slow');
        assert.deepEqual(
          said(bob).map((event) => Number(event.text.split(' ')[0])),
          Array.from({ length: count }, (_, index) => index + 1),
        );
        assert.equal(slow.receivedBytes(), 0);
        // On the server: the room never wrote past a false, grpc-js held at
        // most its 16, and the room queued exactly its limit. The slow member
        // joined first (event 1); the event before the drop found its queue full.
        assert.equal(slowRecord.writesWhileFull, 0);
        assert.ok(slowRecord.mostHeld <= HIGH_WATER_MARK, `grpc-js held ${slowRecord.mostHeld} events`);
        const meantForIt = dropped.sequence - 1;
        assert.equal(meantForIt - slowRecord.writes - 1, QUEUE_LIMIT, 'events queued when it was dropped');
        assert.deepEqual(slowRecord.error, {
          code: grpc.status.RESOURCE_EXHAUSTED,
          details: `too slow: ${QUEUE_LIMIT} events waiting for you`,
        });
        assert.ok(printed.includes(`slow dropped: its queue of ${QUEUE_LIMIT} events was full`), printed.join('\n'));
        // Once it reads, it gets what grpc-js held for it, then the status.
        slow.resume();
        await waitFor(() => slow.status(), 'the slow member to get its status');
        assert.equal(slow.status(), String(grpc.status.RESOURCE_EXHAUSTED));
        assert.equal(slowRecord.writes, meantForIt - QUEUE_LIMIT - 1, 'nothing written to it after the drop');
      } finally {
        slow.close();
        await leave(ada, bob);
        await room.stop();
      }
    },
  );
});

describe('lesson 13: joining and leaving', () => {
  let room: Room;
  before(async () => (room = await startRoom()));
  after(() => room.stop());

  test(
    "a half-close is a goodbye: the server sees 'end', the others hear it, the call ends OK, the name is free",
    BOUND,
    async () => {
      const ada = joinAs(room.port, 'ada');
      const bob = joinAs(room.port, 'bob');
      try {
        await joined(ada, 'bob');
        const record = await room.call('ada');
        ada.call.end();
        assert.equal((await ended(ada)).code, grpc.status.OK);
        assert.equal((await heardLeave(bob, 'ada')).text, '');
        assert.equal(record.error, undefined);
        // grpc-js emits 'cancelled' at the end of every call, once the status is out.
        await waitFor(() => record.seen.length === 2, "the server's events for the call");
        assert.deepEqual(record.seen, ['end', 'cancelled']);
        // Out of the room: the name can join again.
        const again = joinAs(room.port, 'ada');
        await joined(again);
        await joined(bob, 'ada');
        await leave(again);
      } finally {
        await leave(ada, bob);
      }
    },
  );

  test(
    "a member whose connection is reset: the server sees 'cancelled' and no 'end', writes nothing more to it, and the others hear why",
    BOUND,
    async () => {
      const bob = joinAs(room.port, 'bob');
      const cy = stalledCall(room.port, CHAT);
      try {
        await joined(bob);
        cy.resume();
        await cy.send(encode({ join: 'cy' }));
        await joined(bob, 'cy');
        const record = await room.call('cy');
        // No goodbye and no END_STREAM: the TCP connection is reset under the
        // call, as when a network goes, or a NAT or a proxy forgets it.
        (cy.stream.session!.socket as Socket).resetAndDestroy();
        assert.equal((await heardLeave(bob, 'cy')).text, 'cancelled');
        assert.deepEqual(record.seen, ['cancelled']);
        const writes = record.writes;
        bob.call.write({ text: 'still here' });
        await waitFor(() => said(bob).length === 1, "bob's own message");
        assert.equal(record.writes, writes);
        assert.equal(record.writesAfterCancel, 0);
      } finally {
        cy.close();
        await leave(bob);
      }
    },
  );

  test(
    "a grpc-js client's cancel() reaches the server as a half-close and then a reset: 'end', then 'cancelled'",
    BOUND,
    async () => {
      const ada = joinAs(room.port, 'ada');
      const bob = joinAs(room.port, 'bob');
      try {
        await joined(ada, 'bob');
        const record = await room.call('ada');
        ada.call.cancel();
        assert.equal((await ended(ada)).code, grpc.status.CANCELLED);
        await heardLeave(bob, 'ada');
        await waitFor(() => record.seen.length === 2, "the server's events for the call");
        assert.deepEqual(record.seen, ['end', 'cancelled']);
      } finally {
        await leave(ada, bob);
      }
    },
  );

  test(
    'the contract: a name already in the room, an empty name, text before joining, a second join',
    BOUND,
    async () => {
      const ada = joinAs(room.port, 'ada');
      try {
        await joined(ada);
        const outcome = async (messages: ChatMessage[]) => {
          const client = new chat.ChatRoom(`127.0.0.1:${room.port}`, grpc.credentials.createInsecure());
          const call = client.Chat({ deadline: Date.now() + 5_000 });
          call.on('data', () => {});
          call.on('error', () => {});
          for (const message of messages) call.write(message);
          const status = await new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
          client.close();
          return `${grpc.status[status.code]}: ${status.details}`;
        };
        assert.equal(await outcome([{ join: 'ada' }]), 'ALREADY_EXISTS: ada is already in the room');
        assert.equal(await outcome([{ join: '  ' }]), 'INVALID_ARGUMENT: a name must be 1 to 32 characters');
        assert.equal(await outcome([{ text: 'hi' }]), 'INVALID_ARGUMENT: the first message must be a join');
        assert.equal(await outcome([{ join: 'eve' }, { join: 'eve' }]), 'INVALID_ARGUMENT: already joined: send text');
        // The refused never joined; eve joined and was put out, and ada heard both.
        const news = ada.events
          .filter((event) => event.kind !== 'SAID')
          .map((event) => `${event.kind} ${event.member}`);
        assert.deepEqual(news, ['JOINED ada', 'JOINED eve', 'LEFT eve']);
        assert.equal(ada.events.at(-1)!.text, 'refused');
      } finally {
        await leave(ada);
      }
    },
  );
});

/** `node --import tsx <file> args` from the project's root, with a stdin the test writes to. */
function runLessonFile(file: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const lines = () => out.split('\n').filter((line) => line !== '');
  return { child, lines, stderr: () => err, exited };
}

describe("lesson 13's files as processes: --interactive members and the server's shutdown", () => {
  test(
    'each line of stdin is a message, each event a line; --slow-ms prints late; stdin ending and SIGTERM both leave; the shutdown ends the room UNAVAILABLE',
    BOUND,
    async () => {
      const server = runLessonFile(LESSON.serverPath, ['--port', '0']);
      const processes = [server];
      const cy = { member: undefined as Member | undefined };
      try {
        const port = Number(
          (await waitFor(() => /^listening on 127\.0\.0\.1:(\d+)$/m.exec(server.lines().join('\n')), 'the server'))[1],
        );
        const target = `127.0.0.1:${port}`;
        const member = (args: string[]) => {
          const spawned = runLessonFile(LESSON.clientPath, ['--target', target, '--interactive', ...args]);
          processes.push(spawned);
          return spawned;
        };
        const ada = member(['--name', 'ada']);
        const bob = member(['--name', 'bob', '--slow-ms', '150']);
        const dan = member(['--name', 'dan']);
        const badFlags = member(['--name', 'ada', '--name', 'bob']);
        await waitFor(
          () => [ada, bob, dan].every((one, index) => one.lines().includes(`* ${['ada', 'bob', 'dan'][index]} joined`)),
          'all three to join',
        );
        cy.member = joinAs(port, 'cy');
        await joined(cy.member);
        ada.child.stdin.write('hello from ada\n\nsecond\nthird\n');
        await waitFor(() => said(cy.member!).length === 3, 'cy to get the three messages');
        // bob reads each event 150 ms late: the room did not wait for it.
        assert.ok(bob.lines().filter((line) => line.startsWith('ada: ')).length < 3, bob.lines().join('\n'));
        const messages = ['ada: hello from ada', 'ada: second', 'ada: third'];
        await waitFor(() => messages.every((line) => bob.lines().includes(line)), "bob's late lines");
        assert.deepEqual(
          ada.lines().filter((line) => line.startsWith('ada: ')),
          messages,
        );
        assert.deepEqual(
          bob.lines().filter((line) => line.startsWith('ada: ')),
          messages,
        );
        // stdin ends: ada half-closes, the server ends the call, ada exits 0.
        ada.child.stdin.end();
        assert.equal(await ada.exited, 0, ada.stderr());
        assert.equal((await heardLeave(cy.member, 'ada')).text, '');
        // SIGTERM: bob leaves the same way, and exits 0.
        bob.child.kill('SIGTERM');
        assert.equal(await bob.exited, 0, bob.stderr());
        assert.equal((await heardLeave(cy.member, 'bob')).text, '');
        assert.equal(bob.stderr(), '');
        // A killed process says no goodbye, but its OS closes its connection,
        // and the server's HTTP/2 ends the call's incoming side: 'end' first.
        dan.child.kill('SIGKILL');
        assert.equal((await heardLeave(cy.member, 'dan')).text, '');
        // One --name only, with --interactive.
        assert.equal(await badFlags.exited, 2);
        assert.equal(badFlags.stderr(), 'error: --interactive takes exactly one --name\n');
        // The server shuts down: the room ends cy's call UNAVAILABLE, at once, not when forceShutdown cuts it.
        server.child.kill('SIGTERM');
        const status = await ended(cy.member);
        assert.equal(status.code, grpc.status.UNAVAILABLE);
        assert.equal(status.details, 'the room is closing: server shutting down');
        assert.equal(await server.exited, 0);
        assert.equal(server.lines().at(-1), 'SIGTERM: shutting down');
      } finally {
        for (const spawned of processes) if (spawned.child.exitCode === null) spawned.child.kill('SIGKILL');
        await Promise.all(processes.map((spawned) => spawned.exited));
        if (cy.member && !cy.member.status) cy.member.call.cancel();
      }
    },
  );
});

describe('lesson 13 and a Python grpcio member', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'lesson-13-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'chat.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    "a Python member hears a TypeScript member's message, and the TypeScript member hears its answer",
    BOUND,
    async () => {
      const room = await startRoom();
      const ada = joinAs(room.port, 'ada');
      const python = spawn(PYTHON, [join(ROOT, 'test/python/lesson_13.py'), genDir, `127.0.0.1:${room.port}`, 'py'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      python.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      python.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
      const exited = new Promise<number | null>((resolve) => python.on('close', (code) => resolve(code)));
      try {
        await joined(ada);
        await joined(ada, 'py');
        ada.call.write({ text: 'hello from TypeScript' });
        await waitFor(() => out.includes('ada: hello from TypeScript\n'), 'Python to print the message');
        python.stdin.write('hello from Python\n');
        await waitFor(() => said(ada).find((event) => event.member === 'py'), "ada to hear Python's message");
        assert.equal(said(ada).at(-1)!.text, 'hello from Python');
        // Python's stdin ends: it half-closes, as the TypeScript member does.
        python.stdin.end();
        assert.equal(await exited, 0, err);
        assert.equal((await heardLeave(ada, 'py')).text, '');
        assert.deepEqual(out.trimEnd().split('\n'), [
          '* py joined',
          'ada: hello from TypeScript',
          'py: hello from Python',
          'status: OK',
        ]);
        const record = await room.call('py');
        assert.equal(record.seen[0], 'end');
      } finally {
        python.kill();
        await exited;
        await leave(ada);
        await room.stop();
      }
    },
  );
});

// Lesson 13's exercises. The server: the room's fan-out. Our members join the
// learner's room, each on a stream of its own, and compare what every one of
// them received: every event, the sender's own included, numbered once by the
// room and in the same order for all. The client: one member at the keyboard.
// Our room records what reached it (the join, each message, the half-close)
// and sends events of its own, one of them only after the half-close.
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/chat.js';
import type { ChatEvent__Output } from '../../generated/chat/ChatEvent.js';
import type { ChatMessage } from '../../generated/chat/ChatMessage.js';
import type { ChatRoomClient } from '../../generated/chat/ChatRoom.js';
import type { ChatMessage__Output } from '../../generated/chat/ChatMessage.js';
import type { ChatRoomHandlers } from '../../generated/chat/ChatRoom.js';
import {
  clientExercise,
  describeRun,
  describeStatus,
  eventually,
  expectEqual,
  fail,
  serverExercise,
  show,
  type ClientRun,
  type LessonChecks,
} from '../kit.js';
import { CLIENT_RUN_MS } from './11-long-lived-streams.js';

/** One of our members: its open call, and every event it received. */
interface Member {
  name: string;
  call: grpc.ClientDuplexStream<ChatMessage, ChatEvent__Output>;
  events: ChatEvent__Output[];
  status?: grpc.StatusObject;
}

/** Names the learner cannot have typed into the file, and that no earlier check left in the room. */
const randomName = (base: string) => `${base}-${Math.random().toString(36).slice(2, 7)}`;

/** "#4 ada: hello", "#2 * bob joined": an event as the lesson's client prints it. */
function describeEvent(event: ChatEvent__Output): string {
  if (event.kind === 'SAID') return `#${event.sequence} ${event.member}: ${event.text}`;
  return `#${event.sequence} * ${event.member} ${event.kind === 'JOINED' ? 'joined' : 'left'}`;
}

const describeEvents = (member: Member) =>
  `${member.name} received ${show(member.events.map(describeEvent))}${
    member.status ? `, then ${describeStatus(member.status)}` : ''
  }`;

/** A room of our members on one channel, all of them cancelled by close(). */
function room(target: string) {
  const client = new (loadProto('chat.proto') as unknown as ProtoGrpcType).chat.ChatRoom(
    target,
    grpc.credentials.createInsecure(),
  ) as ChatRoomClient;
  const members: Member[] = [];
  return {
    /** Joins and waits until the room says so to the new member. */
    async join(name: string): Promise<Member> {
      const call = client.Chat({ deadline: Date.now() + 10_000 });
      const member: Member = { name, call, events: [] };
      members.push(member);
      call.on('data', (event: ChatEvent__Output) => member.events.push(event));
      call.on('status', (status) => (member.status = status));
      call.on('error', () => {});
      call.write({ join: name });
      await eventually(
        () => member.events.some((event) => event.kind === 'JOINED' && event.member === name),
        `${name} to hear that ${name} joined (the room sends every member's join to every member, the new one too)`,
        () => describeEvents(member),
      );
      return member;
    },
    /** Waits until `member` has received an event that `matches`, and returns it. */
    async received(member: Member, what: string, matches: (event: ChatEvent__Output) => boolean) {
      await eventually(
        () => member.events.some(matches),
        `${member.name} to receive ${what}`,
        () => describeEvents(member),
      );
      return member.events.find(matches)!;
    },
    close() {
      for (const member of members) member.call.cancel();
      client.close();
    },
  };
}

/** What our room saw of the learner's member, and the word that makes its events unguessable. */
interface RoomRecord {
  word: string;
  joins: string[];
  texts: string[];
  /** The member half-closed: 'end' came while the call was still open. */
  halfClosed: boolean;
  /** The call ended with our OK, not cancelled by the client. */
  endedOk: boolean;
  cancelled: boolean;
}

/** Who else is in our room: it greets the member, and says goodbye once the member has. */
const HOST = 'host';

/** The member's run, with its stdin lines. */
const chatAs = (
  runClient: (args?: string[], options?: { timeoutMs?: number; stdin?: string[] }) => Promise<ClientRun>,
  name: string,
  lines: string[],
) => runClient(['--interactive', '--name', name], { stdin: lines, timeoutMs: CLIENT_RUN_MS });

/** Three lines of input and a name the learner cannot have typed into the file. */
function randomChat(): { name: string; lines: string[] } {
  const word = () => Math.random().toString(36).slice(2, 7);
  return { name: `ada-${word()}`, lines: [`hello ${word()}`, `how are you, ${word()}?`, `bye ${word()}`] };
}

/** The SAID events a member received, as text. */
const said = (member: Member) => member.events.filter((event) => event.kind === 'SAID').map(describeEvent);

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'each member hears who joins, the new one too',
        async run({ target }) {
          const chat = room(target);
          try {
            const ada = await chat.join(randomName('ada'));
            const bob = await chat.join(randomName('bob'));
            const isBob = (event: ChatEvent__Output) => event.kind === 'JOINED' && event.member === bob.name;
            const toAda = await chat.received(ada, `"* ${bob.name} joined"`, isBob);
            const toBob = bob.events.find(isBob)!;
            if (toAda.sequence !== toBob.sequence)
              fail(
                `the same number on ${bob.name}'s join for every member (the room numbers its events once)`,
                `#${toAda.sequence} to ${ada.name}, #${toBob.sequence} to ${bob.name}`,
              );
          } finally {
            chat.close();
          }
        },
      },
      {
        name: 'every member gets every message, the sender too',
        async run({ target }) {
          const chat = room(target);
          try {
            const members = [
              await chat.join(randomName('ada')),
              await chat.join(randomName('bob')),
              await chat.join(randomName('cy')),
            ];
            const sender = members[1];
            const text = `hello ${Math.random().toString(36).slice(2, 8)}`;
            sender.call.write({ text });
            const isIt = (event: ChatEvent__Output) =>
              event.kind === 'SAID' && event.member === sender.name && event.text === text;
            const copies: ChatEvent__Output[] = [];
            for (const member of members) copies.push(await chat.received(member, `"${sender.name}: ${text}"`, isIt));
            expectEqual(
              "the message's number, the same for every member",
              members.map(() => copies[0].sequence),
              copies.map((event) => event.sequence),
            );
          } finally {
            chat.close();
          }
        },
      },
      {
        name: 'every member gets the messages in the same order',
        async run({ target }) {
          const chat = room(target);
          try {
            const ada = await chat.join(randomName('ada'));
            const bob = await chat.join(randomName('bob'));
            // Both talk at once: the room decides one order, and everyone sees it.
            const each = 10;
            for (let index = 1; index <= each; index++) {
              ada.call.write({ text: `ada says ${index}` });
              bob.call.write({ text: `bob says ${index}` });
            }
            await eventually(
              () => said(ada).length >= 2 * each && said(bob).length >= 2 * each,
              `${2 * each} messages to each member`,
              () => `${ada.name} got ${said(ada).length}, ${bob.name} got ${said(bob).length}`,
            );
            expectEqual(`${bob.name} to receive what ${ada.name} did, in that order:`, said(ada), said(bob));
            const numbers = ada.events.filter((event) => event.kind === 'SAID').map((event) => event.sequence);
            const gap = numbers.findIndex((number, index) => index > 0 && number !== numbers[index - 1] + 1);
            if (gap > 0)
              fail(
                'messages numbered one after the other',
                `#${numbers[gap]} after #${numbers[gap - 1]} (${show(said(ada))})`,
              );
          } finally {
            chat.close();
          }
        },
      },
      {
        name: 'the others hear when a member leaves',
        async run({ target }) {
          const chat = room(target);
          try {
            const ada = await chat.join(randomName('ada'));
            const bob = await chat.join(randomName('bob'));
            // Half-close: bob will say nothing more, which is how a member leaves.
            bob.call.end();
            await chat.received(
              ada,
              `"* ${bob.name} left"`,
              (event) => event.kind === 'LEFT' && event.member === bob.name,
            );
          } finally {
            chat.close();
          }
        },
      },
    ],
  }),

  client: clientExercise<RoomRecord>({
    reference() {
      const record: RoomRecord = {
        word: '',
        joins: [],
        texts: [],
        halfClosed: false,
        endedOk: false,
        cancelled: false,
      };
      const chatHandler: ChatRoomHandlers['Chat'] = (call) => {
        let sequence = 0;
        let name = '';
        const send = (kind: 'JOINED' | 'SAID', member: string, text = '') =>
          call.write({ sequence: ++sequence, kind, member, text });
        call.on('data', (message: ChatMessage__Output) => {
          if (message.body === 'join') {
            name = message.join ?? '';
            record.joins.push(name);
            send('JOINED', name);
            send('SAID', HOST, `welcome, ${name} (${record.word})`);
          } else {
            record.texts.push(message.text ?? '');
            // The room's echo: what the member said, as everyone read it.
            send('SAID', name, message.text ?? '');
          }
        });
        call.on('end', () => {
          if (call.cancelled) return;
          record.halfClosed = true;
          // An event after the half-close: a member that stops reading when
          // it stops sending never prints it.
          send('SAID', HOST, `goodbye, ${name} (${record.word})`);
          call.end();
        });
        call.on('finish', () => (record.endedOk = !call.cancelled));
        call.on('cancelled', () => (record.cancelled = true));
      };
      const server = new grpc.Server();
      server.addService((loadProto('chat.proto') as unknown as ProtoGrpcType).chat.ChatRoom.service, {
        Chat: chatHandler,
      });
      return {
        server,
        reference: record,
        reset() {
          Object.assign(record, { word: Math.random().toString(36).slice(2, 8), joins: [], texts: [] });
          Object.assign(record, { halfClosed: false, endedOk: false, cancelled: false });
        },
      };
    },
    checks: [
      {
        name: 'joins with its --name, then sends each line of input, in order',
        async run({ reference, runClient }) {
          const { name, lines } = randomChat();
          const run = await chatAs(runClient, name, lines);
          expectEqual('the room to see one join, as', [name], reference.joins);
          if (JSON.stringify(reference.texts) !== JSON.stringify(lines))
            fail(`the room to receive ${show(lines)}`, `${show(reference.texts)} (${describeRun(run)})`);
        },
      },
      {
        name: 'prints every event the room sends, in the order it came',
        async run({ reference, runClient }) {
          const { name, lines } = randomChat();
          const run = await chatAs(runClient, name, lines);
          const { word } = reference;
          const expected = [
            `* ${name} joined`,
            `${HOST}: welcome, ${name} (${word})`,
            ...lines.map((line) => `${name}: ${line}`),
            `${HOST}: goodbye, ${name} (${word})`,
          ];
          // Only the events: whatever else the client prints is its own business.
          const printed = run.stdout.filter((line) => expected.includes(line));
          if (JSON.stringify(printed) !== JSON.stringify(expected))
            fail(`the lines ${show(expected, 400)}`, `${show(run.stdout, 400)} (${describeRun(run)})`);
        },
      },
      {
        name: 'half-closes when its input ends, reads on to the end, exits 0',
        async run({ reference, runClient }) {
          const { name, lines } = randomChat();
          const run = await chatAs(runClient, name, lines);
          // Killed, its connection closed: the room then sees an 'end' that no
          // half-close sent. What it saw before says more.
          if (run.timedOut)
            fail(
              "a client that half-closes once stdin ends, and exits after the room's OK",
              `${describeRun(run)}; the room had received ${reference.texts.length} of ${lines.length} messages`,
            );
          if (!reference.halfClosed)
            fail(
              'a half-close (call.end()) once stdin ended',
              `${reference.cancelled ? 'a cancelled call' : 'no half-close'} (${describeRun(run)})`,
            );
          const goodbye = `${HOST}: goodbye, ${name} (${reference.word})`;
          if (!reference.endedOk || !run.stdout.includes(goodbye))
            fail(
              `the event sent after the half-close, ${show(goodbye)}, then the room's OK`,
              `${reference.endedOk ? 'OK' : 'a call cancelled before the OK'}, ${describeRun(run)}`,
            );
          if (run.code !== 0) fail('exit code 0', describeRun(run));
        },
      },
    ],
  }),
};

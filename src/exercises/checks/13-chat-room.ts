// Lesson 13's exercise: the room's fan-out. Our members join the learner's
// room, each on a stream of its own, and compare what every one of them
// received: every event, the sender's own included, numbered once by the
// room and in the same order for all.
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/chat.js';
import type { ChatEvent__Output } from '../../generated/chat/ChatEvent.js';
import type { ChatMessage } from '../../generated/chat/ChatMessage.js';
import type { ChatRoomClient } from '../../generated/chat/ChatRoom.js';
import { describeStatus, eventually, expectEqual, fail, serverExercise, show, type LessonChecks } from '../kit.js';

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
        1_000,
      );
      return member;
    },
    /** Waits until `member` has received an event that `matches`, and returns it. */
    async received(member: Member, what: string, matches: (event: ChatEvent__Output) => boolean) {
      await eventually(
        () => member.events.some(matches),
        `${member.name} to receive ${what}`,
        () => describeEvents(member),
        1_000,
      );
      return member.events.find(matches)!;
    },
    close() {
      for (const member of members) member.call.cancel();
      client.close();
    },
  };
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
              1_000,
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
};

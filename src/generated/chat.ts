import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatEvent as _chat_ChatEvent, ChatEvent__Output as _chat_ChatEvent__Output } from './chat/ChatEvent.js';
import type { ChatMessage as _chat_ChatMessage, ChatMessage__Output as _chat_ChatMessage__Output } from './chat/ChatMessage.js';
import type { ChatRoomClient as _chat_ChatRoomClient, ChatRoomDefinition as _chat_ChatRoomDefinition } from './chat/ChatRoom.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  chat: {
    ChatEvent: MessageTypeDefinition<_chat_ChatEvent, _chat_ChatEvent__Output>
    ChatMessage: MessageTypeDefinition<_chat_ChatMessage, _chat_ChatMessage__Output>
    ChatRoom: SubtypeConstructor<typeof grpc.Client, _chat_ChatRoomClient> & { service: _chat_ChatRoomDefinition }
  }
}


// Original file: protos/chat.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChatEvent as _chat_ChatEvent, ChatEvent__Output as _chat_ChatEvent__Output } from '../chat/ChatEvent.js';
import type { ChatMessage as _chat_ChatMessage, ChatMessage__Output as _chat_ChatMessage__Output } from '../chat/ChatMessage.js';

export interface ChatRoomClient extends grpc.Client {
  Chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_ChatMessage, _chat_ChatEvent__Output>;
  Chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_ChatMessage, _chat_ChatEvent__Output>;
  chat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_ChatMessage, _chat_ChatEvent__Output>;
  chat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_chat_ChatMessage, _chat_ChatEvent__Output>;
  
}

export interface ChatRoomHandlers extends grpc.UntypedServiceImplementation {
  Chat: grpc.handleBidiStreamingCall<_chat_ChatMessage__Output, _chat_ChatEvent>;
  
}

export interface ChatRoomDefinition extends grpc.ServiceDefinition {
  Chat: MethodDefinition<_chat_ChatMessage, _chat_ChatEvent, _chat_ChatMessage__Output, _chat_ChatEvent__Output>
}

// Original file: protos/chat.proto


// Original file: protos/chat.proto

export const _chat_ChatEvent_Kind = {
  KIND_UNSPECIFIED: 'KIND_UNSPECIFIED',
  JOINED: 'JOINED',
  SAID: 'SAID',
  LEFT: 'LEFT',
} as const;

export type _chat_ChatEvent_Kind =
  | 'KIND_UNSPECIFIED'
  | 0
  | 'JOINED'
  | 1
  | 'SAID'
  | 2
  | 'LEFT'
  | 3

export type _chat_ChatEvent_Kind__Output = typeof _chat_ChatEvent_Kind[keyof typeof _chat_ChatEvent_Kind]

export interface ChatEvent {
  'sequence'?: (number);
  'kind'?: (_chat_ChatEvent_Kind);
  'member'?: (string);
  'text'?: (string);
}

export interface ChatEvent__Output {
  'sequence': (number);
  'kind': (_chat_ChatEvent_Kind__Output);
  'member': (string);
  'text': (string);
}

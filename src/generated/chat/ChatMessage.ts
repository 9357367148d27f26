// Original file: protos/chat.proto


export interface ChatMessage {
  'join'?: (string);
  'text'?: (string);
  'body'?: "join"|"text";
}

export interface ChatMessage__Output {
  'join'?: (string);
  'text'?: (string);
  'body'?: "join"|"text";
}

// Original file: protos/deadlines.proto


export interface GreetingReply {
  'message'?: (string);
  'deadline_left_ms'?: (number);
}

export interface GreetingReply__Output {
  'message': (string);
  'deadline_left_ms': (number);
}

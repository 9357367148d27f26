// Original file: protos/evolution/helloworld_v3_retyped.proto


export interface HelloReply {
  'message'?: (string);
  'sequence'?: (number);
  'visits'?: (number);
}

export interface HelloReply__Output {
  'message': (string);
  'sequence': (number);
  'visits': (number);
}

// Original file: protos/evolution/helloworld_v3.proto

import type { Long } from '@grpc/proto-loader';

export interface HelloReply {
  'text'?: (string);
  'sequence'?: (number);
  'visits'?: (number | string | Long);
}

export interface HelloReply__Output {
  'text': (string);
  'sequence': (number);
  'visits': (string);
}

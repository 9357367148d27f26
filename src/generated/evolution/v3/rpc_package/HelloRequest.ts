// Original file: protos/evolution/helloworld_v3.proto


export interface HelloRequest {
  'name'?: (string);
  'reply_count'?: (number);
  'interval_ms'?: (number);
}

export interface HelloRequest__Output {
  'name': (string);
  'reply_count': (number);
  'interval_ms': (number);
}

// Original file: protos/evolution/helloworld_v2.proto


export interface HelloRequest {
  'name'?: (string);
  'reply_count'?: (number);
  'interval_ms'?: (number);
  'greeting_style'?: (string);
}

export interface HelloRequest__Output {
  'name': (string);
  'reply_count': (number);
  'interval_ms': (number);
  'greeting_style': (string);
}

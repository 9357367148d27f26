// Original file: protos/evolution/helloworld_v3_retyped.proto


export interface HelloRequest {
  'name'?: (string);
  'reply_count'?: (number);
  'interval_ms'?: (number);
  'greeting_style'?: (number);
}

export interface HelloRequest__Output {
  'name': (string);
  'reply_count': (number);
  'interval_ms': (number);
  'greeting_style': (number);
}

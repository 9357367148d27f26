// Original file: protos/feed.proto


export interface SubscribeRequest {
  'name'?: (string);
  'reply_count'?: (number);
  'interval_ms'?: (number);
  'resume_after'?: (number);
}

export interface SubscribeRequest__Output {
  'name': (string);
  'reply_count': (number);
  'interval_ms': (number);
  'resume_after': (number);
}

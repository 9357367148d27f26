// Original file: protos/deadlines.proto


export interface GreetingRequest {
  'name'?: (string);
  'work_ms'?: (number);
}

export interface GreetingRequest__Output {
  'name': (string);
  'work_ms': (number);
}

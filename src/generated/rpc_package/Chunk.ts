// Original file: protos/flowcontrol.proto


export interface Chunk {
  'sequence'?: (number);
  'data'?: (Buffer | Uint8Array | string);
}

export interface Chunk__Output {
  'sequence': (number);
  'data': (Buffer);
}

// Original file: protos/files.proto

import type { Long } from '@grpc/proto-loader';

export interface FileChunk {
  'name'?: (string);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'sha256'?: (string);
}

export interface FileChunk__Output {
  'name': (string);
  'offset': (string);
  'data': (Buffer);
  'sha256': (string);
}

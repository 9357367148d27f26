// Original file: protos/files.proto

import type { Long } from '@grpc/proto-loader';

export interface FileRequest {
  'name'?: (string);
  'size'?: (number | string | Long);
}

export interface FileRequest__Output {
  'name': (string);
  'size': (string);
}

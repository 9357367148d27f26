// Original file: protos/files.proto

import type { Long } from '@grpc/proto-loader';

export interface FileSummary {
  'name'?: (string);
  'size'?: (number | string | Long);
  'chunks'?: (number);
  'sha256'?: (string);
}

export interface FileSummary__Output {
  'name': (string);
  'size': (string);
  'chunks': (number);
  'sha256': (string);
}

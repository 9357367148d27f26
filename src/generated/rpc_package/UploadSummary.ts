// Original file: protos/flowcontrol.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadSummary {
  'chunks'?: (number);
  'bytes'?: (number | string | Long);
}

export interface UploadSummary__Output {
  'chunks': (number);
  'bytes': (string);
}

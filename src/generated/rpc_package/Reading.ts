// Original file: protos/report.proto

import type { Long } from '@grpc/proto-loader';

export interface Reading {
  'sensor_id'?: (number);
  'timestamp_ms'?: (number | string | Long);
  'value'?: (number | string);
  'ok'?: (boolean);
  'unit'?: (string);
}

export interface Reading__Output {
  'sensor_id': (number);
  'timestamp_ms': (string);
  'value': (number);
  'ok': (boolean);
  'unit': (string);
}

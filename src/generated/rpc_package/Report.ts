// Original file: protos/report.proto

import type { Reading as _rpc_package_Reading, Reading__Output as _rpc_package_Reading__Output } from '../rpc_package/Reading.js';

export interface Report {
  'name'?: (string);
  'readings'?: (_rpc_package_Reading)[];
}

export interface Report__Output {
  'name': (string);
  'readings': (_rpc_package_Reading__Output)[];
}

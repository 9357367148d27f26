// Original file: protos/batch.proto

import type { HelloResult as _rpc_package_HelloResult, HelloResult__Output as _rpc_package_HelloResult__Output } from '../rpc_package/HelloResult.js';

export interface HelloBatchReply {
  'results'?: (_rpc_package_HelloResult)[];
}

export interface HelloBatchReply__Output {
  'results': (_rpc_package_HelloResult__Output)[];
}

// Original file: protos/batch.proto

import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from '../rpc_package/HelloRequest.js';

export interface HelloBatchRequest {
  'requests'?: (_rpc_package_HelloRequest)[];
}

export interface HelloBatchRequest__Output {
  'requests': (_rpc_package_HelloRequest__Output)[];
}

// Original file: protos/batch.proto

import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from '../google/rpc/Status.js';

export interface HelloResult {
  'reply'?: (_rpc_package_HelloReply | null);
  'error'?: (_google_rpc_Status | null);
  'result'?: "reply"|"error";
}

export interface HelloResult__Output {
  'reply'?: (_rpc_package_HelloReply__Output | null);
  'error'?: (_google_rpc_Status__Output | null);
  'result'?: "reply"|"error";
}

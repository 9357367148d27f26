import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { BadRequest as _google_rpc_BadRequest, BadRequest__Output as _google_rpc_BadRequest__Output } from './google/rpc/BadRequest.js';
import type { DebugInfo as _google_rpc_DebugInfo, DebugInfo__Output as _google_rpc_DebugInfo__Output } from './google/rpc/DebugInfo.js';
import type { Help as _google_rpc_Help, Help__Output as _google_rpc_Help__Output } from './google/rpc/Help.js';
import type { LocalizedMessage as _google_rpc_LocalizedMessage, LocalizedMessage__Output as _google_rpc_LocalizedMessage__Output } from './google/rpc/LocalizedMessage.js';
import type { PreconditionFailure as _google_rpc_PreconditionFailure, PreconditionFailure__Output as _google_rpc_PreconditionFailure__Output } from './google/rpc/PreconditionFailure.js';
import type { QuotaFailure as _google_rpc_QuotaFailure, QuotaFailure__Output as _google_rpc_QuotaFailure__Output } from './google/rpc/QuotaFailure.js';
import type { RequestInfo as _google_rpc_RequestInfo, RequestInfo__Output as _google_rpc_RequestInfo__Output } from './google/rpc/RequestInfo.js';
import type { ResourceInfo as _google_rpc_ResourceInfo, ResourceInfo__Output as _google_rpc_ResourceInfo__Output } from './google/rpc/ResourceInfo.js';
import type { RetryInfo as _google_rpc_RetryInfo, RetryInfo__Output as _google_rpc_RetryInfo__Output } from './google/rpc/RetryInfo.js';
import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from './google/rpc/Status.js';
import type { HelloBatchReply as _rpc_package_HelloBatchReply, HelloBatchReply__Output as _rpc_package_HelloBatchReply__Output } from './rpc_package/HelloBatchReply.js';
import type { HelloBatchRequest as _rpc_package_HelloBatchRequest, HelloBatchRequest__Output as _rpc_package_HelloBatchRequest__Output } from './rpc_package/HelloBatchRequest.js';
import type { HelloBatchServiceClient as _rpc_package_HelloBatchServiceClient, HelloBatchServiceDefinition as _rpc_package_HelloBatchServiceDefinition } from './rpc_package/HelloBatchService.js';
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from './rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from './rpc_package/HelloRequest.js';
import type { HelloResult as _rpc_package_HelloResult, HelloResult__Output as _rpc_package_HelloResult__Output } from './rpc_package/HelloResult.js';
import type { HelloWorldServiceClient as _rpc_package_HelloWorldServiceClient, HelloWorldServiceDefinition as _rpc_package_HelloWorldServiceDefinition } from './rpc_package/HelloWorldService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
    }
    rpc: {
      BadRequest: MessageTypeDefinition<_google_rpc_BadRequest, _google_rpc_BadRequest__Output>
      DebugInfo: MessageTypeDefinition<_google_rpc_DebugInfo, _google_rpc_DebugInfo__Output>
      Help: MessageTypeDefinition<_google_rpc_Help, _google_rpc_Help__Output>
      LocalizedMessage: MessageTypeDefinition<_google_rpc_LocalizedMessage, _google_rpc_LocalizedMessage__Output>
      PreconditionFailure: MessageTypeDefinition<_google_rpc_PreconditionFailure, _google_rpc_PreconditionFailure__Output>
      QuotaFailure: MessageTypeDefinition<_google_rpc_QuotaFailure, _google_rpc_QuotaFailure__Output>
      RequestInfo: MessageTypeDefinition<_google_rpc_RequestInfo, _google_rpc_RequestInfo__Output>
      ResourceInfo: MessageTypeDefinition<_google_rpc_ResourceInfo, _google_rpc_ResourceInfo__Output>
      RetryInfo: MessageTypeDefinition<_google_rpc_RetryInfo, _google_rpc_RetryInfo__Output>
      Status: MessageTypeDefinition<_google_rpc_Status, _google_rpc_Status__Output>
    }
  }
  rpc_package: {
    HelloBatchReply: MessageTypeDefinition<_rpc_package_HelloBatchReply, _rpc_package_HelloBatchReply__Output>
    HelloBatchRequest: MessageTypeDefinition<_rpc_package_HelloBatchRequest, _rpc_package_HelloBatchRequest__Output>
    HelloBatchService: SubtypeConstructor<typeof grpc.Client, _rpc_package_HelloBatchServiceClient> & { service: _rpc_package_HelloBatchServiceDefinition }
    HelloReply: MessageTypeDefinition<_rpc_package_HelloReply, _rpc_package_HelloReply__Output>
    HelloRequest: MessageTypeDefinition<_rpc_package_HelloRequest, _rpc_package_HelloRequest__Output>
    HelloResult: MessageTypeDefinition<_rpc_package_HelloResult, _rpc_package_HelloResult__Output>
    HelloWorldService: SubtypeConstructor<typeof grpc.Client, _rpc_package_HelloWorldServiceClient> & { service: _rpc_package_HelloWorldServiceDefinition }
  }
}


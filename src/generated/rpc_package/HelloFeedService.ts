// Original file: protos/feed.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { SubscribeRequest as _rpc_package_SubscribeRequest, SubscribeRequest__Output as _rpc_package_SubscribeRequest__Output } from '../rpc_package/SubscribeRequest.js';

export interface HelloFeedServiceClient extends grpc.Client {
  Subscribe(argument: _rpc_package_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  Subscribe(argument: _rpc_package_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  subscribe(argument: _rpc_package_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  subscribe(argument: _rpc_package_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  
}

export interface HelloFeedServiceHandlers extends grpc.UntypedServiceImplementation {
  Subscribe: grpc.handleServerStreamingCall<_rpc_package_SubscribeRequest__Output, _rpc_package_HelloReply>;
  
}

export interface HelloFeedServiceDefinition extends grpc.ServiceDefinition {
  Subscribe: MethodDefinition<_rpc_package_SubscribeRequest, _rpc_package_HelloReply, _rpc_package_SubscribeRequest__Output, _rpc_package_HelloReply__Output>
}

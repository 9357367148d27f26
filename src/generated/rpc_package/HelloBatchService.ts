// Original file: protos/batch.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloBatchReply as _rpc_package_HelloBatchReply, HelloBatchReply__Output as _rpc_package_HelloBatchReply__Output } from '../rpc_package/HelloBatchReply.js';
import type { HelloBatchRequest as _rpc_package_HelloBatchRequest, HelloBatchRequest__Output as _rpc_package_HelloBatchRequest__Output } from '../rpc_package/HelloBatchRequest.js';

export interface HelloBatchServiceClient extends grpc.Client {
  SayHelloToAll(argument: _rpc_package_HelloBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  SayHelloToAll(argument: _rpc_package_HelloBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  SayHelloToAll(argument: _rpc_package_HelloBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  SayHelloToAll(argument: _rpc_package_HelloBatchRequest, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  sayHelloToAll(argument: _rpc_package_HelloBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  sayHelloToAll(argument: _rpc_package_HelloBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  sayHelloToAll(argument: _rpc_package_HelloBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  sayHelloToAll(argument: _rpc_package_HelloBatchRequest, callback: grpc.requestCallback<_rpc_package_HelloBatchReply__Output>): grpc.ClientUnaryCall;
  
}

export interface HelloBatchServiceHandlers extends grpc.UntypedServiceImplementation {
  SayHelloToAll: grpc.handleUnaryCall<_rpc_package_HelloBatchRequest__Output, _rpc_package_HelloBatchReply>;
  
}

export interface HelloBatchServiceDefinition extends grpc.ServiceDefinition {
  SayHelloToAll: MethodDefinition<_rpc_package_HelloBatchRequest, _rpc_package_HelloBatchReply, _rpc_package_HelloBatchRequest__Output, _rpc_package_HelloBatchReply__Output>
}

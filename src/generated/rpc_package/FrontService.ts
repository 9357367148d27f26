// Original file: protos/deadlines.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GreetingReply as _rpc_package_GreetingReply, GreetingReply__Output as _rpc_package_GreetingReply__Output } from '../rpc_package/GreetingReply.js';
import type { GreetingRequest as _rpc_package_GreetingRequest, GreetingRequest__Output as _rpc_package_GreetingRequest__Output } from '../rpc_package/GreetingRequest.js';

export interface FrontServiceClient extends grpc.Client {
  Greet(argument: _rpc_package_GreetingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  Greet(argument: _rpc_package_GreetingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  Greet(argument: _rpc_package_GreetingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  Greet(argument: _rpc_package_GreetingRequest, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  greet(argument: _rpc_package_GreetingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  greet(argument: _rpc_package_GreetingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  greet(argument: _rpc_package_GreetingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  greet(argument: _rpc_package_GreetingRequest, callback: grpc.requestCallback<_rpc_package_GreetingReply__Output>): grpc.ClientUnaryCall;
  
}

export interface FrontServiceHandlers extends grpc.UntypedServiceImplementation {
  Greet: grpc.handleUnaryCall<_rpc_package_GreetingRequest__Output, _rpc_package_GreetingReply>;
  
}

export interface FrontServiceDefinition extends grpc.ServiceDefinition {
  Greet: MethodDefinition<_rpc_package_GreetingRequest, _rpc_package_GreetingReply, _rpc_package_GreetingRequest__Output, _rpc_package_GreetingReply__Output>
}

// Original file: protos/resilience.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from '../rpc_package/HelloRequest.js';

export interface ResilientGreeterClient extends grpc.Client {
  SayHelloFlaky(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloFlaky(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloFlaky(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloFlaky(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloFlaky(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloFlaky(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloFlaky(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloFlaky(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  
  SayHelloLimited(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloLimited(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloLimited(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloLimited(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloLimited(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloLimited(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloLimited(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloLimited(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  
  SayHelloSlow(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloSlow(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloSlow(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHelloSlow(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloSlow(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloSlow(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloSlow(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHelloSlow(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  
}

export interface ResilientGreeterHandlers extends grpc.UntypedServiceImplementation {
  SayHelloFlaky: grpc.handleUnaryCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
  SayHelloLimited: grpc.handleUnaryCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
  SayHelloSlow: grpc.handleUnaryCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
}

export interface ResilientGreeterDefinition extends grpc.ServiceDefinition {
  SayHelloFlaky: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
  SayHelloLimited: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
  SayHelloSlow: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
}

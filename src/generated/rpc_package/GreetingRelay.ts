// Original file: protos/relay.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from '../rpc_package/HelloRequest.js';

export interface GreetingRelayClient extends grpc.Client {
  SayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  
}

export interface GreetingRelayHandlers extends grpc.UntypedServiceImplementation {
  SayHello: grpc.handleUnaryCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
}

export interface GreetingRelayDefinition extends grpc.ServiceDefinition {
  SayHello: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
}

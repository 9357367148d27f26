// Original file: protos/evolution/helloworld_v3_retyped.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from '../rpc_package/HelloRequest.js';

export interface HelloWorldServiceClient extends grpc.Client {
  BidiHello(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_package_HelloRequest, _rpc_package_HelloReply__Output>;
  BidiHello(options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_package_HelloRequest, _rpc_package_HelloReply__Output>;
  bidiHello(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_package_HelloRequest, _rpc_package_HelloReply__Output>;
  bidiHello(options?: grpc.CallOptions): grpc.ClientDuplexStream<_rpc_package_HelloRequest, _rpc_package_HelloReply__Output>;
  
  LotsOfGreetings(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  LotsOfGreetings(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  LotsOfGreetings(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  LotsOfGreetings(callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  lotsOfGreetings(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  lotsOfGreetings(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  lotsOfGreetings(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  lotsOfGreetings(callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_HelloRequest>;
  
  LotsOfReplies(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  LotsOfReplies(argument: _rpc_package_HelloRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  lotsOfReplies(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  lotsOfReplies(argument: _rpc_package_HelloRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_HelloReply__Output>;
  
  SayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  SayHello(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  sayHello(argument: _rpc_package_HelloRequest, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientUnaryCall;
  
}

export interface HelloWorldServiceHandlers extends grpc.UntypedServiceImplementation {
  BidiHello: grpc.handleBidiStreamingCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
  LotsOfGreetings: grpc.handleClientStreamingCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
  LotsOfReplies: grpc.handleServerStreamingCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
  SayHello: grpc.handleUnaryCall<_rpc_package_HelloRequest__Output, _rpc_package_HelloReply>;
  
}

export interface HelloWorldServiceDefinition extends grpc.ServiceDefinition {
  BidiHello: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
  LotsOfGreetings: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
  LotsOfReplies: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
  SayHello: MethodDefinition<_rpc_package_HelloRequest, _rpc_package_HelloReply, _rpc_package_HelloRequest__Output, _rpc_package_HelloReply__Output>
}

import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from './rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from './rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient as _rpc_package_HelloWorldServiceClient, HelloWorldServiceDefinition as _rpc_package_HelloWorldServiceDefinition } from './rpc_package/HelloWorldService.js';
import type { ResilientGreeterClient as _rpc_package_ResilientGreeterClient, ResilientGreeterDefinition as _rpc_package_ResilientGreeterDefinition } from './rpc_package/ResilientGreeter.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    HelloReply: MessageTypeDefinition<_rpc_package_HelloReply, _rpc_package_HelloReply__Output>
    HelloRequest: MessageTypeDefinition<_rpc_package_HelloRequest, _rpc_package_HelloRequest__Output>
    HelloWorldService: SubtypeConstructor<typeof grpc.Client, _rpc_package_HelloWorldServiceClient> & { service: _rpc_package_HelloWorldServiceDefinition }
    ResilientGreeter: SubtypeConstructor<typeof grpc.Client, _rpc_package_ResilientGreeterClient> & { service: _rpc_package_ResilientGreeterDefinition }
  }
}


import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BackServiceClient as _rpc_package_BackServiceClient, BackServiceDefinition as _rpc_package_BackServiceDefinition } from './rpc_package/BackService.js';
import type { FrontServiceClient as _rpc_package_FrontServiceClient, FrontServiceDefinition as _rpc_package_FrontServiceDefinition } from './rpc_package/FrontService.js';
import type { GreetingReply as _rpc_package_GreetingReply, GreetingReply__Output as _rpc_package_GreetingReply__Output } from './rpc_package/GreetingReply.js';
import type { GreetingRequest as _rpc_package_GreetingRequest, GreetingRequest__Output as _rpc_package_GreetingRequest__Output } from './rpc_package/GreetingRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    BackService: SubtypeConstructor<typeof grpc.Client, _rpc_package_BackServiceClient> & { service: _rpc_package_BackServiceDefinition }
    FrontService: SubtypeConstructor<typeof grpc.Client, _rpc_package_FrontServiceClient> & { service: _rpc_package_FrontServiceDefinition }
    GreetingReply: MessageTypeDefinition<_rpc_package_GreetingReply, _rpc_package_GreetingReply__Output>
    GreetingRequest: MessageTypeDefinition<_rpc_package_GreetingRequest, _rpc_package_GreetingRequest__Output>
  }
}


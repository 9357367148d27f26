import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { MonitoringEndpoints as _rpc_package_MonitoringEndpoints, MonitoringEndpoints__Output as _rpc_package_MonitoringEndpoints__Output } from './rpc_package/MonitoringEndpoints.js';
import type { MonitoringEndpointsRequest as _rpc_package_MonitoringEndpointsRequest, MonitoringEndpointsRequest__Output as _rpc_package_MonitoringEndpointsRequest__Output } from './rpc_package/MonitoringEndpointsRequest.js';
import type { MonitoringServiceClient as _rpc_package_MonitoringServiceClient, MonitoringServiceDefinition as _rpc_package_MonitoringServiceDefinition } from './rpc_package/MonitoringService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    MonitoringEndpoints: MessageTypeDefinition<_rpc_package_MonitoringEndpoints, _rpc_package_MonitoringEndpoints__Output>
    MonitoringEndpointsRequest: MessageTypeDefinition<_rpc_package_MonitoringEndpointsRequest, _rpc_package_MonitoringEndpointsRequest__Output>
    MonitoringService: SubtypeConstructor<typeof grpc.Client, _rpc_package_MonitoringServiceClient> & { service: _rpc_package_MonitoringServiceDefinition }
  }
}


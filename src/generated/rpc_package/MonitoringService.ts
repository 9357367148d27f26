// Original file: protos/monitoring.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MonitoringEndpoints as _rpc_package_MonitoringEndpoints, MonitoringEndpoints__Output as _rpc_package_MonitoringEndpoints__Output } from '../rpc_package/MonitoringEndpoints.js';
import type { MonitoringEndpointsRequest as _rpc_package_MonitoringEndpointsRequest, MonitoringEndpointsRequest__Output as _rpc_package_MonitoringEndpointsRequest__Output } from '../rpc_package/MonitoringEndpointsRequest.js';

export interface MonitoringServiceClient extends grpc.Client {
  GetMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  GetMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  GetMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  GetMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  getMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  getMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  getMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  getMonitoringEndpoints(argument: _rpc_package_MonitoringEndpointsRequest, callback: grpc.requestCallback<_rpc_package_MonitoringEndpoints__Output>): grpc.ClientUnaryCall;
  
}

export interface MonitoringServiceHandlers extends grpc.UntypedServiceImplementation {
  GetMonitoringEndpoints: grpc.handleUnaryCall<_rpc_package_MonitoringEndpointsRequest__Output, _rpc_package_MonitoringEndpoints>;
  
}

export interface MonitoringServiceDefinition extends grpc.ServiceDefinition {
  GetMonitoringEndpoints: MethodDefinition<_rpc_package_MonitoringEndpointsRequest, _rpc_package_MonitoringEndpoints, _rpc_package_MonitoringEndpointsRequest__Output, _rpc_package_MonitoringEndpoints__Output>
}

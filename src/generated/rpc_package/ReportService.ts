// Original file: protos/report.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Report as _rpc_package_Report, Report__Output as _rpc_package_Report__Output } from '../rpc_package/Report.js';
import type { ReportSummary as _rpc_package_ReportSummary, ReportSummary__Output as _rpc_package_ReportSummary__Output } from '../rpc_package/ReportSummary.js';

export interface ReportServiceClient extends grpc.Client {
  SendReport(argument: _rpc_package_Report, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  SendReport(argument: _rpc_package_Report, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  SendReport(argument: _rpc_package_Report, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  SendReport(argument: _rpc_package_Report, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  sendReport(argument: _rpc_package_Report, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  sendReport(argument: _rpc_package_Report, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  sendReport(argument: _rpc_package_Report, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  sendReport(argument: _rpc_package_Report, callback: grpc.requestCallback<_rpc_package_ReportSummary__Output>): grpc.ClientUnaryCall;
  
}

export interface ReportServiceHandlers extends grpc.UntypedServiceImplementation {
  SendReport: grpc.handleUnaryCall<_rpc_package_Report__Output, _rpc_package_ReportSummary>;
  
}

export interface ReportServiceDefinition extends grpc.ServiceDefinition {
  SendReport: MethodDefinition<_rpc_package_Report, _rpc_package_ReportSummary, _rpc_package_Report__Output, _rpc_package_ReportSummary__Output>
}

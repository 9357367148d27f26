import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Reading as _rpc_package_Reading, Reading__Output as _rpc_package_Reading__Output } from './rpc_package/Reading.js';
import type { Report as _rpc_package_Report, Report__Output as _rpc_package_Report__Output } from './rpc_package/Report.js';
import type { ReportServiceClient as _rpc_package_ReportServiceClient, ReportServiceDefinition as _rpc_package_ReportServiceDefinition } from './rpc_package/ReportService.js';
import type { ReportSummary as _rpc_package_ReportSummary, ReportSummary__Output as _rpc_package_ReportSummary__Output } from './rpc_package/ReportSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    Reading: MessageTypeDefinition<_rpc_package_Reading, _rpc_package_Reading__Output>
    Report: MessageTypeDefinition<_rpc_package_Report, _rpc_package_Report__Output>
    ReportService: SubtypeConstructor<typeof grpc.Client, _rpc_package_ReportServiceClient> & { service: _rpc_package_ReportServiceDefinition }
    ReportSummary: MessageTypeDefinition<_rpc_package_ReportSummary, _rpc_package_ReportSummary__Output>
  }
}


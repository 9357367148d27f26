import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Chunk as _rpc_package_Chunk, Chunk__Output as _rpc_package_Chunk__Output } from './rpc_package/Chunk.js';
import type { DownloadRequest as _rpc_package_DownloadRequest, DownloadRequest__Output as _rpc_package_DownloadRequest__Output } from './rpc_package/DownloadRequest.js';
import type { FlowControlServiceClient as _rpc_package_FlowControlServiceClient, FlowControlServiceDefinition as _rpc_package_FlowControlServiceDefinition } from './rpc_package/FlowControlService.js';
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from './rpc_package/HelloReply.js';
import type { HelloRequest as _rpc_package_HelloRequest, HelloRequest__Output as _rpc_package_HelloRequest__Output } from './rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient as _rpc_package_HelloWorldServiceClient, HelloWorldServiceDefinition as _rpc_package_HelloWorldServiceDefinition } from './rpc_package/HelloWorldService.js';
import type { NameBatch as _rpc_package_NameBatch, NameBatch__Output as _rpc_package_NameBatch__Output } from './rpc_package/NameBatch.js';
import type { UploadSummary as _rpc_package_UploadSummary, UploadSummary__Output as _rpc_package_UploadSummary__Output } from './rpc_package/UploadSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    Chunk: MessageTypeDefinition<_rpc_package_Chunk, _rpc_package_Chunk__Output>
    DownloadRequest: MessageTypeDefinition<_rpc_package_DownloadRequest, _rpc_package_DownloadRequest__Output>
    FlowControlService: SubtypeConstructor<typeof grpc.Client, _rpc_package_FlowControlServiceClient> & { service: _rpc_package_FlowControlServiceDefinition }
    HelloReply: MessageTypeDefinition<_rpc_package_HelloReply, _rpc_package_HelloReply__Output>
    HelloRequest: MessageTypeDefinition<_rpc_package_HelloRequest, _rpc_package_HelloRequest__Output>
    HelloWorldService: SubtypeConstructor<typeof grpc.Client, _rpc_package_HelloWorldServiceClient> & { service: _rpc_package_HelloWorldServiceDefinition }
    NameBatch: MessageTypeDefinition<_rpc_package_NameBatch, _rpc_package_NameBatch__Output>
    UploadSummary: MessageTypeDefinition<_rpc_package_UploadSummary, _rpc_package_UploadSummary__Output>
  }
}


import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { FileChunk as _rpc_package_FileChunk, FileChunk__Output as _rpc_package_FileChunk__Output } from './rpc_package/FileChunk.js';
import type { FileRequest as _rpc_package_FileRequest, FileRequest__Output as _rpc_package_FileRequest__Output } from './rpc_package/FileRequest.js';
import type { FileServiceClient as _rpc_package_FileServiceClient, FileServiceDefinition as _rpc_package_FileServiceDefinition } from './rpc_package/FileService.js';
import type { FileSummary as _rpc_package_FileSummary, FileSummary__Output as _rpc_package_FileSummary__Output } from './rpc_package/FileSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  rpc_package: {
    FileChunk: MessageTypeDefinition<_rpc_package_FileChunk, _rpc_package_FileChunk__Output>
    FileRequest: MessageTypeDefinition<_rpc_package_FileRequest, _rpc_package_FileRequest__Output>
    FileService: SubtypeConstructor<typeof grpc.Client, _rpc_package_FileServiceClient> & { service: _rpc_package_FileServiceDefinition }
    FileSummary: MessageTypeDefinition<_rpc_package_FileSummary, _rpc_package_FileSummary__Output>
  }
}


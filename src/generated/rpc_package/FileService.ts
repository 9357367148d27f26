// Original file: protos/files.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FileChunk as _rpc_package_FileChunk, FileChunk__Output as _rpc_package_FileChunk__Output } from '../rpc_package/FileChunk.js';
import type { FileRequest as _rpc_package_FileRequest, FileRequest__Output as _rpc_package_FileRequest__Output } from '../rpc_package/FileRequest.js';
import type { FileSummary as _rpc_package_FileSummary, FileSummary__Output as _rpc_package_FileSummary__Output } from '../rpc_package/FileSummary.js';

export interface FileServiceClient extends grpc.Client {
  Download(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_FileChunk__Output>;
  Download(argument: _rpc_package_FileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_FileChunk__Output>;
  download(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_FileChunk__Output>;
  download(argument: _rpc_package_FileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_FileChunk__Output>;
  
  Get(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  Get(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  Get(argument: _rpc_package_FileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  Get(argument: _rpc_package_FileRequest, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  get(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  get(argument: _rpc_package_FileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  get(argument: _rpc_package_FileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  get(argument: _rpc_package_FileRequest, callback: grpc.requestCallback<_rpc_package_FileChunk__Output>): grpc.ClientUnaryCall;
  
  Put(argument: _rpc_package_FileChunk, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  Put(argument: _rpc_package_FileChunk, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  Put(argument: _rpc_package_FileChunk, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  Put(argument: _rpc_package_FileChunk, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  put(argument: _rpc_package_FileChunk, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  put(argument: _rpc_package_FileChunk, metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  put(argument: _rpc_package_FileChunk, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  put(argument: _rpc_package_FileChunk, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientUnaryCall;
  
  Upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  Upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  Upload(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  Upload(callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  upload(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  upload(callback: grpc.requestCallback<_rpc_package_FileSummary__Output>): grpc.ClientWritableStream<_rpc_package_FileChunk>;
  
}

export interface FileServiceHandlers extends grpc.UntypedServiceImplementation {
  Download: grpc.handleServerStreamingCall<_rpc_package_FileRequest__Output, _rpc_package_FileChunk>;
  
  Get: grpc.handleUnaryCall<_rpc_package_FileRequest__Output, _rpc_package_FileChunk>;
  
  Put: grpc.handleUnaryCall<_rpc_package_FileChunk__Output, _rpc_package_FileSummary>;
  
  Upload: grpc.handleClientStreamingCall<_rpc_package_FileChunk__Output, _rpc_package_FileSummary>;
  
}

export interface FileServiceDefinition extends grpc.ServiceDefinition {
  Download: MethodDefinition<_rpc_package_FileRequest, _rpc_package_FileChunk, _rpc_package_FileRequest__Output, _rpc_package_FileChunk__Output>
  Get: MethodDefinition<_rpc_package_FileRequest, _rpc_package_FileChunk, _rpc_package_FileRequest__Output, _rpc_package_FileChunk__Output>
  Put: MethodDefinition<_rpc_package_FileChunk, _rpc_package_FileSummary, _rpc_package_FileChunk__Output, _rpc_package_FileSummary__Output>
  Upload: MethodDefinition<_rpc_package_FileChunk, _rpc_package_FileSummary, _rpc_package_FileChunk__Output, _rpc_package_FileSummary__Output>
}

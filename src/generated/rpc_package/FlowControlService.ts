// Original file: protos/flowcontrol.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Chunk as _rpc_package_Chunk, Chunk__Output as _rpc_package_Chunk__Output } from '../rpc_package/Chunk.js';
import type { DownloadRequest as _rpc_package_DownloadRequest, DownloadRequest__Output as _rpc_package_DownloadRequest__Output } from '../rpc_package/DownloadRequest.js';
import type { HelloReply as _rpc_package_HelloReply, HelloReply__Output as _rpc_package_HelloReply__Output } from '../rpc_package/HelloReply.js';
import type { NameBatch as _rpc_package_NameBatch, NameBatch__Output as _rpc_package_NameBatch__Output } from '../rpc_package/NameBatch.js';
import type { UploadSummary as _rpc_package_UploadSummary, UploadSummary__Output as _rpc_package_UploadSummary__Output } from '../rpc_package/UploadSummary.js';

export interface FlowControlServiceClient extends grpc.Client {
  Download(argument: _rpc_package_DownloadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_Chunk__Output>;
  Download(argument: _rpc_package_DownloadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_Chunk__Output>;
  download(argument: _rpc_package_DownloadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_Chunk__Output>;
  download(argument: _rpc_package_DownloadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_rpc_package_Chunk__Output>;
  
  LotsOfGreetingBatches(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  LotsOfGreetingBatches(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  LotsOfGreetingBatches(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  LotsOfGreetingBatches(callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  lotsOfGreetingBatches(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  lotsOfGreetingBatches(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  lotsOfGreetingBatches(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  lotsOfGreetingBatches(callback: grpc.requestCallback<_rpc_package_HelloReply__Output>): grpc.ClientWritableStream<_rpc_package_NameBatch>;
  
  Upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  Upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  Upload(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  Upload(callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  upload(options: grpc.CallOptions, callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  upload(callback: grpc.requestCallback<_rpc_package_UploadSummary__Output>): grpc.ClientWritableStream<_rpc_package_Chunk>;
  
}

export interface FlowControlServiceHandlers extends grpc.UntypedServiceImplementation {
  Download: grpc.handleServerStreamingCall<_rpc_package_DownloadRequest__Output, _rpc_package_Chunk>;
  
  LotsOfGreetingBatches: grpc.handleClientStreamingCall<_rpc_package_NameBatch__Output, _rpc_package_HelloReply>;
  
  Upload: grpc.handleClientStreamingCall<_rpc_package_Chunk__Output, _rpc_package_UploadSummary>;
  
}

export interface FlowControlServiceDefinition extends grpc.ServiceDefinition {
  Download: MethodDefinition<_rpc_package_DownloadRequest, _rpc_package_Chunk, _rpc_package_DownloadRequest__Output, _rpc_package_Chunk__Output>
  LotsOfGreetingBatches: MethodDefinition<_rpc_package_NameBatch, _rpc_package_HelloReply, _rpc_package_NameBatch__Output, _rpc_package_HelloReply__Output>
  Upload: MethodDefinition<_rpc_package_Chunk, _rpc_package_UploadSummary, _rpc_package_Chunk__Output, _rpc_package_UploadSummary__Output>
}

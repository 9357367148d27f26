// Original file: protos/flowcontrol.proto


export interface DownloadRequest {
  'count'?: (number);
  'chunk_bytes'?: (number);
  'ignore_backpressure'?: (boolean);
}

export interface DownloadRequest__Output {
  'count': (number);
  'chunk_bytes': (number);
  'ignore_backpressure': (boolean);
}

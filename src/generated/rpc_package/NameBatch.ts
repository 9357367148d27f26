// Original file: protos/flowcontrol.proto


export interface NameBatch {
  'names'?: (string)[];
}

export interface NameBatch__Output {
  'names': (string)[];
}

// Original file: protos/reflection.proto


export interface ExtensionNumberResponse {
  'base_type_name'?: (string);
  'extension_number'?: (number)[];
}

export interface ExtensionNumberResponse__Output {
  'base_type_name': (string);
  'extension_number': (number)[];
}

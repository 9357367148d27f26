// How the project's own code (tests, the bench, lesson 05's measurements)
// turns .proto files into grpc-js objects. Lesson files load their contract
// themselves, with the same options, so that each one stands alone.
//
// grpc-js can work from a .proto at run time ("dynamic loading"): proto-loader
// parses the file and builds, for each service, the method paths and the
// functions that encode and decode each message. Nothing is generated.
// What dynamic loading cannot give is compile-time types, so the project also
// runs `npm run gen` (proto-loader-gen-types) and casts the loaded package to the
// generated `ProtoGrpcType`. The load options below and the gen script's flags
// must match, or the types describe objects grpc-js never builds.
import { PROTO_DIR } from './paths.js';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/helloworld.js';
import type { ProtoGrpcType as ReportProtoGrpcType } from './generated/report.js';

export { PROTO_DIR };

export const HELLOWORLD_PROTO = `${PROTO_DIR}helloworld.proto`;
export const REPORT_PROTO = `${PROTO_DIR}report.proto`;

export const LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true, // field names as written in the .proto (reply_count, not replyCount)
  longs: String, // int64 values arrive as strings: JavaScript numbers lose precision past 2^53
  enums: String, // enum values arrive by name
  defaults: true, // unset fields decode to their zero value instead of undefined
  oneofs: true, // a oneof gets a virtual field naming which member is set
};

/** Parses a proto file of the project's `protos/` folder. */
export function loadDefinition(protoPath: string): protoLoader.PackageDefinition {
  return protoLoader.loadSync(protoPath, { ...LOAD_OPTIONS, includeDirs: [PROTO_DIR] });
}

/** Loads a proto file of the project's `protos/` folder as a grpc object. */
export function loadProto(protoPath: string): grpc.GrpcObject {
  return grpc.loadPackageDefinition(loadDefinition(protoPath));
}

/** The HelloWorld contract, typed with the code `npm run gen` generated from it. */
export function loadHelloWorld(): ProtoGrpcType {
  return loadProto(HELLOWORLD_PROTO) as unknown as ProtoGrpcType;
}

/** The ReportService contract of lesson 05. */
export function loadReport(): ReportProtoGrpcType {
  return loadProto(REPORT_PROTO) as unknown as ReportProtoGrpcType;
}

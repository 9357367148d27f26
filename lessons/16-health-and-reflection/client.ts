// Health checking and reflection from the client's side: asking a server
// whether it serves, watching the answer change, and calling SayHello with no
// .proto at all, from the descriptions the server gives of its own services.
// That is what grpcurl does; `npm run call` is built from the functions here.
//   npx tsx lessons/16-health-and-reflection/client.ts [--target H:P] [--name N]... [--watch-seconds S]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { ProtoGrpcType as HealthProto } from '../../src/generated/health.js';
import type { ProtoGrpcType as ReflectionProto } from '../../src/generated/reflection.js';
import type { HealthClient } from '../../src/generated/grpc/health/v1/Health.js';
import type { HealthCheckResponse__Output } from '../../src/generated/grpc/health/v1/HealthCheckResponse.js';
import type { ServerReflectionClient } from '../../src/generated/grpc/reflection/v1/ServerReflection.js';
import type { ServerReflectionRequest } from '../../src/generated/grpc/reflection/v1/ServerReflectionRequest.js';
import type { ServerReflectionResponse__Output } from '../../src/generated/grpc/reflection/v1/ServerReflectionResponse.js';

// This client loads the health and reflection contracts, both standard, and
// not helloworld.proto: what it knows of HelloWorldService, it asks the server.
const LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};
const packageDefinition = protoLoader.loadSync(['health.proto', 'reflection.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  ...LOAD_OPTIONS,
});
const { grpc: standard } = grpc.loadPackageDefinition(packageDefinition) as unknown as HealthProto & ReflectionProto;

const HELLO_SERVICE = 'rpc_package.HelloWorldService';
/** A service this server does not have: health checks answer NOT_FOUND. */
const UNKNOWN_SERVICE = 'rpc_package.NoSuchService';

export async function runClient({
  target,
  names = ['world'],
  watchSeconds,
}: {
  target: string;
  names?: string[];
  /** Watch the server's health for this long instead (a load balancer's view). */
  watchSeconds?: number;
}): Promise<void> {
  // One channel (one connection) for every service: health and reflection are
  // ordinary gRPC services on the same port as the application's.
  const channel = new grpc.Channel(target, grpc.credentials.createInsecure(), {});
  const health = new standard.health.v1.Health(target, grpc.credentials.createInsecure(), { channelOverride: channel });
  try {
    if (watchSeconds !== undefined) return await watch(health, '', watchSeconds);
    for (const service of ['', HELLO_SERVICE, UNKNOWN_SERVICE]) {
      console.log(`Check ${JSON.stringify(service)}: ${await check(health, service)}`);
    }

    const reflection = startReflection(channel);
    let files: FileDescriptorProto[];
    try {
      console.log(`services: ${(await reflection.listServices()).join(', ')}`);
      files = await reflection.filesDefining(HELLO_SERVICE);
    } finally {
      await reflection.end();
    }
    // From here on, everything about HelloWorldService comes from the server.
    const definition = loadFiles(files);
    const sayHelloMethod = (definition[HELLO_SERVICE] as protoLoader.ServiceDefinition).SayHello;
    console.log(describeMethod(sayHelloMethod));
    for (const line of describeMessage(sayHelloMethod.requestType.type as MessageDescriptor)) console.log(line);
    const client = new grpc.Client(target, grpc.credentials.createInsecure(), { channelOverride: channel });
    for (const name of names) {
      const reply = await callUnary(client, sayHelloMethod, { name });
      console.log(`SayHello via reflection: ${(reply as { message: string }).message}`);
    }
  } finally {
    channel.close();
  }
}

/** The serving status of one service ("" for the whole server), or NOT_FOUND when the server does not know it. */
function check(health: HealthClient, service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A checker that gets no answer before its deadline counts the server as
    // down: a server too busy to answer a health check is too busy for calls.
    health.Check({ service }, { deadline: Date.now() + 2_000 }, (error, reply) => {
      // NOT_FOUND is an answer: the server runs, and has no such service.
      if (error?.code === grpc.status.NOT_FOUND) resolve('NOT_FOUND');
      else if (error) reject(error);
      else resolve(reply!.status);
    });
  });
}

/**
 * Watch: the first reply is the status now, then one more at each change.
 * A load balancer keeps such a stream open to each backend, and stops sending
 * calls to one that says NOT_SERVING (or whose stream breaks).
 */
async function watch(health: HealthClient, service: string, seconds: number): Promise<void> {
  const call = health.Watch({ service }, { deadline: Date.now() + seconds * 1_000 });
  try {
    for await (const reply of call as AsyncIterable<HealthCheckResponse__Output>) {
      console.log(`Watch ${JSON.stringify(service)}: ${reply.status}`);
    }
  } catch (error) {
    // The watch lasts until its deadline: that is its normal end.
    if ((error as grpc.ServiceError).code !== grpc.status.DEADLINE_EXCEEDED) throw error;
    console.log(`watched for ${seconds} s`);
  }
}

/** A FileDescriptorProto: one .proto file in compiled form, as reflection sends it. */
export type FileDescriptorProto = DecodedMessage & { name: string; dependency: string[] };
type DecodedMessage = ReturnType<typeof descriptor.FileDescriptorProto.decode>;

export interface Reflection {
  /** The full names of the services the server offers, sorted. */
  listServices(): Promise<string[]>;
  /** The file that defines `symbol` (a service, method, message or enum), and every file it imports. */
  filesDefining(symbol: string): Promise<FileDescriptorProto[]>;
  /** Half-closes the conversation; resolves once the server has ended the stream too. */
  end(): Promise<void>;
}

/**
 * A conversation with the server's reflection service. Reflection is one
 * bidirectional stream: each request gets exactly one response, in order, so
 * a conversation keeps its questions on one server even behind a load balancer.
 */
export function startReflection(channel: grpc.Channel, timeoutMs = 5_000): Reflection {
  // With channelOverride, the channel's own credentials apply: these are unused.
  const client: ServerReflectionClient = new standard.reflection.v1.ServerReflection(
    channel.getTarget(),
    grpc.credentials.createInsecure(),
    { channelOverride: channel },
  );
  const stream = client.ServerReflectionInfo({ deadline: Date.now() + timeoutMs });
  const waiting: { resolve(response: ServerReflectionResponse__Output): void; reject(error: Error): void }[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const question of waiting.splice(0)) question.reject(failure);
  };
  stream.on('data', (response: ServerReflectionResponse__Output) => waiting.shift()?.resolve(response));
  // A server without reflection ends the stream with UNIMPLEMENTED, as it
  // would any method it does not have.
  stream.on('error', fail);
  // The status comes last, after any error: a question still waiting then will get no answer.
  const ended = new Promise<void>((resolve) =>
    stream.on('status', () => {
      fail(new Error('the server ended the reflection stream without answering'));
      resolve();
    }),
  );

  const ask = (request: ServerReflectionRequest) =>
    new Promise<ServerReflectionResponse__Output>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push({ resolve, reject });
      stream.write(request);
    }).then((response) => {
      // An unknown symbol is not a failed stream: the answer says so instead.
      if (response.error_response) throw reflectionError(response.error_response);
      return response;
    });

  const filesFrom = (response: ServerReflectionResponse__Output) =>
    (response.file_descriptor_response?.file_descriptor_proto ?? []).map(
      (bytes) => descriptor.FileDescriptorProto.decode(bytes) as FileDescriptorProto,
    );

  return {
    async listServices() {
      // The field's content is not looked at; "*" is the custom.
      const response = await ask({ list_services: '*' });
      return (response.list_services_response?.service ?? []).map((service) => service.name).sort();
    },
    async filesDefining(symbol) {
      const files = new Map<string, FileDescriptorProto>();
      for (const file of filesFrom(await ask({ file_containing_symbol: symbol }))) files.set(file.name, file);
      // A server may send the imports with the file, or leave them out (or
      // leave out those it sent earlier in the stream): ask for each missing
      // one by its file name, until nothing is missing.
      for (let missing = missingImports(files); missing.length > 0; missing = missingImports(files)) {
        for (const name of missing) {
          for (const file of filesFrom(await ask({ file_by_filename: name }))) files.set(file.name, file);
          if (!files.has(name)) throw new Error(`the server sent no file ${name}`);
        }
      }
      return [...files.values()];
    },
    end: () => {
      if (!stream.writableEnded) stream.end();
      return ended;
    },
  };
}

function missingImports(files: Map<string, FileDescriptorProto>): string[] {
  return [...new Set([...files.values()].flatMap((file) => file.dependency))].filter((name) => !files.has(name));
}

function reflectionError({ error_code, error_message }: { error_code: number; error_message: string }) {
  return Object.assign(new Error(error_message), { code: error_code, details: error_message });
}

/**
 * The files, as proto-loader would have read them from .proto text: the same
 * package definition, with the functions that encode and decode each message.
 * (A FileDescriptorSet is `repeated FileDescriptorProto file = 1`.)
 */
export function loadFiles(files: FileDescriptorProto[]): protoLoader.PackageDefinition {
  return protoLoader.loadFileDescriptorSetFromObject({ file: files }, LOAD_OPTIONS);
}

/**
 * One unary call on a generic client: the path and the functions that encode
 * the request and decode the reply are all a call needs, and here all three
 * came from the server. A generated stub does exactly this under its methods.
 */
export function callUnary(client: grpc.Client, method: protoLoader.MethodDefinition<object, object>, request: object) {
  return new Promise<object>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      { deadline: Date.now() + 5_000 },
      (error, reply) => (error ? reject(error) : resolve(reply!)),
    );
  });
}

/** A message's descriptor, as proto-loader gives it (a DescriptorProto, as JSON). */
export interface MessageDescriptor {
  name: string;
  field: { name: string; number: number; label: string; type: string; typeName: string }[];
}

/** "rpc SayHello (HelloRequest) returns (HelloReply)", from the method's descriptors. */
function describeMethod(method: protoLoader.MethodDefinition<object, object>): string {
  const stream = (streaming: boolean) => (streaming ? 'stream ' : '');
  const request = (method.requestType.type as MessageDescriptor).name;
  const response = (method.responseType.type as MessageDescriptor).name;
  const name = method.path.slice(method.path.lastIndexOf('/') + 1);
  return `rpc ${name} (${stream(method.requestStream)}${request}) returns (${stream(method.responseStream)}${response})`;
}

/** The message as .proto text: its fields, with the numbers that go on the wire. */
function describeMessage(message: MessageDescriptor): string[] {
  const fields = message.field.map((field) => {
    const type = field.typeName ? field.typeName.replace(/^\./, '') : field.type.replace(/^TYPE_/, '').toLowerCase();
    return `  ${field.label === 'LABEL_REPEATED' ? 'repeated ' : ''}${type} ${field.name} = ${field.number};`;
  });
  return [`message ${message.name} {`, ...fields, '}'];
}

async function main(): Promise<void> {
  const { target, names, watchSeconds } = clientFlags();
  try {
    await runClient({ target, names, watchSeconds });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; watchSeconds?: number } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        name: { type: 'string', multiple: true },
        'watch-seconds': { type: 'string' },
      },
    });
    const seconds = values['watch-seconds'];
    if (seconds !== undefined && (!/^\d+$/.test(seconds) || Number(seconds) < 1 || Number(seconds) > 3_600))
      throw new Error(`--watch-seconds must be a number from 1 to 3600, got "${seconds}"`);
    return {
      target: values.target,
      names: values.name,
      watchSeconds: seconds === undefined ? undefined : Number(seconds),
    };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

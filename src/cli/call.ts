// npm run call -- <target> [list | describe <symbol> | <service>/<method> [json]...]:
// what grpcurl does, with no .proto file. The server's reflection service
// lists what it serves and sends the compiled .proto files (FileDescriptorProtos);
// from those this command prints the contract and encodes and decodes calls.
// The reflection client is lesson 16's (lessons/16-health-and-reflection/client.ts).
import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { EXIT_USAGE, fail, parseCommandLine, parseTarget } from './args.js';
import { splitAddress } from '../address.js';
import type { FileDescriptorProto, Reflection } from '../../lessons/16-health-and-reflection/client.js';

const USAGE = `
Usage: npm run call -- <target> [list [<service>] | describe <symbol> | <service>/<method> [<json>...]]

Asks a gRPC server what it serves and calls it, with no .proto file: the
server's reflection service describes its own services (lesson 16's server
offers it). What grpcurl does.

  <target>                    host:port, or a bare port on 127.0.0.1
  list                        the services the server offers, one a line (the default)
  list <service>              the methods of a service
  describe <symbol>           a service, method, message or enum, as .proto text
  <service>/<method> [<json>] call a method with a JSON request (default {}) and
                              print each reply as one line of JSON; field names as
                              the .proto writes them. A client or bidirectional
                              stream sends one message per JSON argument
  --plaintext                 no TLS: the default for a loopback target (127.x, ::1,
                              localhost); any other target uses TLS unless given this
  --max-time S                seconds each call may take (default 10)
  -h, --help                  show this help

Exits 0 on OK, 1 with the status on an RPC error, 2 on a bad command line.

Examples:
  npm run call -- 127.0.0.1:50051 list
  npm run call -- 127.0.0.1:50051 describe rpc_package.HelloRequest
  npm run call -- 127.0.0.1:50051 rpc_package.HelloWorldService/SayHello '{"name":"Ada"}'
  npm run call -- 127.0.0.1:50051 grpc.health.v1.Health/Watch --max-time 60
`;

/** How long the reflection questions may take: they are small, and a server that does not answer them soon will not. */
const REFLECTION_TIMEOUT_MS = 5_000;

// `| head`: the reader left; nothing more to say.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { values, positionals } = parseCommandLine(USAGE, {
  plaintext: { type: 'boolean' },
  'max-time': { type: 'string', default: '10' },
});
const [targetText, command = 'list', ...rest] = positionals;
if (targetText === undefined)
  fail('name the server: npm run call -- <host:port> [list | ...] (see --help)', EXIT_USAGE);
const target = parseTarget(targetText, '<target>');
const maxTimeMs = parseSeconds(values['max-time'] as string);

type Job = (reflection: Reflection, channel: grpc.Channel) => Promise<void>;
let job: Job;
if (command === 'list') {
  if (rest.length > 1) fail(`list takes at most one service, got ${rest.length}: ${rest.join(' ')}`, EXIT_USAGE);
  job = rest.length === 0 ? listServices : (reflection) => listMethods(reflection, rest[0]);
} else if (command === 'describe') {
  if (rest.length !== 1) fail('describe takes one symbol, such as rpc_package.HelloRequest', EXIT_USAGE);
  job = (reflection) => describe(reflection, rest[0]);
} else {
  const method = parseMethod(command);
  const requests = (rest.length === 0 ? ['{}'] : rest).map(parseJson);
  job = (reflection, channel) => call(reflection, channel, method, requests);
}

// Loaded once the command line is known to be good: --help and a usage error answer at once.
const [grpcJs, { default: descriptor }, { loadFiles, startReflection }] = await Promise.all([
  import('@grpc/grpc-js'),
  import('protobufjs/ext/descriptor/index.js'),
  import('../../lessons/16-health-and-reflection/client.js'),
]);
if (!process.env.GRPC_VERBOSITY) grpcJs.setLogVerbosity(grpcJs.logVerbosity.NONE);
const credentials =
  values.plaintext || isLoopback(target) ? grpcJs.credentials.createInsecure() : grpcJs.credentials.createSsl();

async function run(work: Job): Promise<void> {
  const channel = new grpcJs.Channel(target, credentials, {});
  const reflection = startReflection(channel, Math.min(REFLECTION_TIMEOUT_MS, maxTimeMs));
  try {
    await work(reflection, channel);
  } finally {
    await reflection.end();
    channel.close();
  }
}

// ---- list and describe ----

async function listServices(reflection: Reflection): Promise<void> {
  for (const service of await reflection.listServices()) console.log(service);
}

async function listMethods(reflection: Reflection, service: string): Promise<void> {
  const found = indexFiles(await reflection.filesDefining(service)).get(service);
  if (found?.kind !== 'service') fail(`${service} is not a service (it is ${found ? `a ${found.kind}` : 'unknown'})`);
  for (const method of found.service.method) console.log(`${service}.${method.name}`);
}

async function describe(reflection: Reflection, symbol: string): Promise<void> {
  const index = indexFiles(await reflection.filesDefining(symbol));
  const found = index.get(symbol);
  if (!found) fail(`the server sent the file of ${symbol}, but it does not define ${symbol}`);
  console.log(`${symbol} is a ${found.kind}:`);
  const lines =
    found.kind === 'service'
      ? serviceText(found.service)
      : found.kind === 'method'
        ? [methodText(found.method)]
        : found.kind === 'message'
          ? messageText(found, index)
          : enumText(found.enum);
  for (const line of lines) console.log(line);
}

// Descriptors as plain objects (enums by name): what protoc compiled each .proto into.
interface Field {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}
interface Message {
  name: string;
  field: Field[];
  nestedType: Message[];
  enumType: Enum[];
  oneofDecl: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface Enum {
  name: string;
  value: { name: string; number: number }[];
}
interface Method {
  name: string;
  inputType: string;
  outputType: string;
  clientStreaming?: boolean;
  serverStreaming?: boolean;
}
interface Service {
  name: string;
  method: Method[];
}
interface File {
  name: string;
  package?: string;
  syntax?: string;
  messageType: Message[];
  enumType: Enum[];
  service: Service[];
}
type Definition =
  | { kind: 'service'; service: Service }
  | { kind: 'method'; method: Method }
  | { kind: 'message'; message: Message; file: File; fullName: string }
  | { kind: 'enum'; enum: Enum };

/** Every symbol the files define, by full name (package.Message, package.Service.Method, Outer.Inner). */
function indexFiles(files: FileDescriptorProto[]): Map<string, Definition> {
  const index = new Map<string, Definition>();
  for (const decoded of files) {
    const file = descriptor.FileDescriptorProto.toObject(decoded, { enums: String, arrays: true }) as File;
    const prefix = file.package ? `${file.package}.` : '';
    const addMessage = (message: Message, scope: string) => {
      const name = `${scope}${message.name}`;
      index.set(name, { kind: 'message', message, file, fullName: name });
      for (const nested of message.nestedType) addMessage(nested, `${name}.`);
      for (const nested of message.enumType) index.set(`${name}.${nested.name}`, { kind: 'enum', enum: nested });
    };
    for (const message of file.messageType) addMessage(message, prefix);
    for (const enumType of file.enumType) index.set(`${prefix}${enumType.name}`, { kind: 'enum', enum: enumType });
    for (const service of file.service) {
      index.set(`${prefix}${service.name}`, { kind: 'service', service });
      for (const method of service.method)
        index.set(`${prefix}${service.name}.${method.name}`, { kind: 'method', method });
    }
  }
  return index;
}

const typeName = (name: string) => name.replace(/^\./, '');

type MessageDefinition = Extract<Definition, { kind: 'message' }>;

/**
 * The message a type name names, seen from `scope` (a full name). A name
 * starting with a dot is a full name; any other is looked up from the scope
 * outwards, as protoc would (servers built on protobufjs send such relative names).
 */
function messageNamed(name: string, scope: string, index: Map<string, Definition>): MessageDefinition | undefined {
  const candidates = name.startsWith('.')
    ? [name.slice(1)]
    : scope
        .split('.')
        .map((_, end, parts) => [...parts.slice(0, parts.length - end), name].join('.'))
        .concat(name);
  const found = candidates.map((candidate) => index.get(candidate)).find(Boolean);
  return found?.kind === 'message' ? found : undefined;
}

/** The message a field holds, if it holds one. */
function messageOf(field: Field, owner: MessageDefinition, index: Map<string, Definition>) {
  return field.typeName ? messageNamed(field.typeName, owner.fullName, index) : undefined;
}

/** The entry type of a map field (a nested `XEntry {key = 1; value = 2;}` protoc writes for map<K, V>), or undefined. */
function mapEntryOf(field: Field, owner: MessageDefinition, index: Map<string, Definition>): Message | undefined {
  const type = messageOf(field, owner, index);
  return field.label === 'LABEL_REPEATED' && type?.message.options?.mapEntry ? type.message : undefined;
}

function methodText(method: Method): string {
  const input = `${method.clientStreaming ? 'stream ' : ''}${typeName(method.inputType)}`;
  const output = `${method.serverStreaming ? 'stream ' : ''}${typeName(method.outputType)}`;
  return `rpc ${method.name} (${input}) returns (${output});`;
}

function serviceText(service: Service): string[] {
  return [`service ${service.name} {`, ...service.method.map((method) => `  ${methodText(method)}`), '}'];
}

function enumText(enumType: Enum, indent = ''): string[] {
  return [
    `${indent}enum ${enumType.name} {`,
    ...enumType.value.map((value) => `${indent}  ${value.name} = ${value.number};`),
    `${indent}}`,
  ];
}

function messageText(type: MessageDefinition, index: Map<string, Definition>, indent = ''): string[] {
  const { message, file } = type;
  const inner = `${indent}  `;
  const fieldType = (field: Field) =>
    field.typeName ? typeName(field.typeName) : field.type.replace(/^TYPE_/, '').toLowerCase();
  const fieldText = (field: Field) => {
    const entry = mapEntryOf(field, type, index);
    if (entry) {
      const [key, value] = entry.field;
      return `map<${fieldType(key)}, ${fieldType(value)}> ${field.name} = ${field.number};`;
    }
    const label =
      field.label === 'LABEL_REPEATED'
        ? 'repeated '
        : field.proto3Optional || (file.syntax !== 'proto3' && field.label === 'LABEL_OPTIONAL')
          ? 'optional '
          : field.label === 'LABEL_REQUIRED'
            ? 'required '
            : '';
    return `${label}${fieldType(field)} ${field.name} = ${field.number};`;
  };
  const lines = [`${indent}message ${message.name} {`];
  const oneofsShown = new Set<number>();
  for (const field of message.field) {
    // A oneof's fields are printed together, where its first field is; a
    // proto3 `optional` field has a oneof of its own that the .proto never wrote.
    if (field.oneofIndex !== undefined && !field.proto3Optional) {
      if (oneofsShown.has(field.oneofIndex)) continue;
      oneofsShown.add(field.oneofIndex);
      lines.push(`${inner}oneof ${message.oneofDecl[field.oneofIndex].name} {`);
      for (const member of message.field.filter((other) => other.oneofIndex === field.oneofIndex))
        lines.push(`${inner}  ${fieldText(member)}`);
      lines.push(`${inner}}`);
    } else {
      lines.push(`${inner}${fieldText(field)}`);
    }
  }
  for (const nested of message.nestedType) {
    const definition = index.get(`${type.fullName}.${nested.name}`) as MessageDefinition;
    if (!nested.options?.mapEntry) lines.push(...messageText(definition, index, inner));
  }
  for (const nested of message.enumType) lines.push(...enumText(nested, inner));
  lines.push(`${indent}}`);
  return lines;
}

// ---- calls ----

interface MethodName {
  service: string;
  method: string;
}

/** "pkg.Service/Method", or "pkg.Service.Method" as grpcurl also takes it. */
function parseMethod(text: string): MethodName {
  const match = /^\/?([\w.]+)[/.](\w+)$/.exec(text);
  if (!match) fail(`"${text}" is neither list, describe nor <service>/<method> (see --help)`, EXIT_USAGE);
  return { service: match[1], method: match[2] };
}

function parseJson(text: string): object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`the request is not JSON: ${(error as Error).message} in ${text}`, EXIT_USAGE);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`a request is a JSON object, such as '{"name":"Ada"}', got ${text}`, EXIT_USAGE);
  return value as object;
}

async function call(reflection: Reflection, channel: grpc.Channel, name: MethodName, requests: object[]) {
  const files = await reflection.filesDefining(name.service);
  // Done with reflection: a long call (a Watch) need not hold its stream open.
  await reflection.end();
  const index = indexFiles(files);
  const service = index.get(name.service);
  if (service?.kind !== 'service')
    fail(`${name.service} is not a service (it is ${service ? `a ${service.kind}` : 'unknown'})`);
  const method = (loadFiles(files)[name.service] as protoLoader.ServiceDefinition)[name.method];
  if (!method) {
    const methods = service.service.method.map((known) => known.name).join(', ');
    fail(`${name.service} has no method ${name.method}; it has ${methods}`);
  }
  if (!method.requestStream && requests.length > 1)
    fail(`${name.method} takes one request; only client and bidirectional streams take several`, EXIT_USAGE);
  const { inputType, outputType } = service.service.method.find((known) => known.name === name.method)!;
  const [input, output] = [inputType, outputType].map((type) => messageNamed(type, name.service, index)!);
  const messages = requests.map((request) => fromJson(request, input, index));

  const client = new grpcJs.Client(target, credentials, { channelOverride: channel });
  const options = { deadline: Date.now() + maxTimeMs };
  const print = (reply: object) => console.log(JSON.stringify(toJson(reply, output, index), jsonValue));
  const { path, requestSerialize, responseDeserialize } = method;
  await new Promise<void>((resolve, reject) => {
    const done = (error: grpc.ServiceError | null, reply?: object) => {
      if (error) return reject(error);
      if (reply) print(reply);
      resolve();
    };
    if (!method.requestStream && !method.responseStream) {
      client.makeUnaryRequest(path, requestSerialize, responseDeserialize, messages[0], options, done);
      return;
    }
    if (method.requestStream && !method.responseStream) {
      const stream = client.makeClientStreamRequest(path, requestSerialize, responseDeserialize, options, done);
      for (const message of messages) stream.write(message);
      stream.end();
      return;
    }
    let stream: grpc.ClientReadableStream<object>;
    if (method.requestStream) {
      const duplex = client.makeBidiStreamRequest(path, requestSerialize, responseDeserialize, options);
      for (const message of messages) duplex.write(message);
      duplex.end();
      stream = duplex;
    } else {
      stream = client.makeServerStreamRequest(path, requestSerialize, responseDeserialize, messages[0], options);
    }
    stream.on('data', print);
    stream.on('error', reject);
    // 'status' comes after the last reply, whatever the status; an error status also comes as 'error'.
    stream.on('status', (status: grpc.StatusObject) => {
      if (status.code === grpcJs.status.OK) resolve();
    });
  });
}

/**
 * A JSON request as proto-loader encodes it. Two differences: a field the
 * message does not have is an error here (proto-loader would drop it without
 * a word, and a typo would send an empty field), and a map, a JSON object,
 * becomes the list of {key, value} entries it is on the wire (proto-loader
 * builds types from descriptors without their maps).
 */
function fromJson(json: object, type: MessageDefinition, index: Map<string, Definition>, path = ''): object {
  const message: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.message.field.find((known) => known.name === key);
    if (!field) {
      const known = type.message.field.map((each) => each.name).join(', ') || 'none';
      fail(`${type.fullName} has no field "${path}${key}" (its fields: ${known})`, EXIT_USAGE);
    }
    const nested = messageOf(field, type, index);
    const convert = (item: unknown, itemPath: string) =>
      nested && item !== null && typeof item === 'object' ? fromJson(item, nested, index, itemPath) : item;
    if (mapEntryOf(field, type, index) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const valueField = nested!.message.field[1];
      const valueType = messageOf(valueField, nested!, index);
      message[key] = Object.entries(value).map(([entryKey, entryValue]) => ({
        key: entryKey,
        value:
          valueType && entryValue !== null && typeof entryValue === 'object'
            ? fromJson(entryValue, valueType, index, `${path}${key}.${entryKey}.`)
            : entryValue,
      }));
    } else {
      message[key] = Array.isArray(value)
        ? value.map((item) => convert(item, `${path}${key}[].`))
        : convert(value, `${path}${key}.`);
    }
  }
  return message;
}

/** A decoded reply as JSON writes it: maps as objects (see fromJson). */
function toJson(message: object, type: MessageDefinition, index: Map<string, Definition>): object {
  const json: Record<string, unknown> = { ...message };
  for (const field of type.message.field) {
    const value = json[field.name];
    const nested = messageOf(field, type, index);
    if (!nested || value === null || value === undefined) continue;
    if (mapEntryOf(field, type, index)) {
      const valueType = messageOf(nested.message.field[1], nested, index);
      json[field.name] = Object.fromEntries(
        (value as { key: string; value: unknown }[]).map((entry) => [
          entry.key,
          valueType && entry.value ? toJson(entry.value as object, valueType, index) : entry.value,
        ]),
      );
    } else {
      json[field.name] = Array.isArray(value)
        ? value.map((item: object) => toJson(item, nested, index))
        : toJson(value as object, nested, index);
    }
  }
  return json;
}

/** JSON as proto3's JSON mapping writes it: bytes as base64, not as Buffer's {"type":"Buffer",...}. */
function jsonValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return Buffer.isBuffer(raw) ? raw.toString('base64') : value;
}

// ---- errors and flags ----

/** One line for what went wrong, saying what to do where there is something to do. */
function explain(error: Error): string {
  const { code, details } = error as Partial<grpc.ServiceError>;
  if (code === undefined) return error.message;
  const status = `${grpcJs.status[code]} (status ${code})`;
  if (code === grpcJs.status.UNIMPLEMENTED && /ServerReflection/.test(details ?? ''))
    return `${target} has no reflection service (${status}): call it with its .proto instead`;
  // grpc-js ends this one with an empty "Resolution note:" for an address that needed no resolving.
  if (code === grpcJs.status.UNAVAILABLE)
    return `cannot reach ${target}: ${status}: ${details?.replace(/\s*Resolution note:\s*$/, '')}`;
  return `${status}: ${details}`;
}

function isLoopback(address: string): boolean {
  if (address.startsWith('unix:')) return true;
  const host = splitAddress(address.replace(/^(dns|ipv4|ipv6):(\/\/\/)?/, ''))?.host;
  return host !== undefined && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > 86_400)
    fail(`--max-time must be a number of seconds from 0 to 86400, got "${text}"`, EXIT_USAGE);
  return seconds * 1_000;
}

// Last in the file, so that every declaration above it is initialized.
try {
  await run(job);
} catch (error) {
  fail(explain(error as Error));
}

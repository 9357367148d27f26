// What the checks of an exercise are made of: a check is a name and a function
// that throws a CheckFailure saying what it expected and what arrived. A check
// of a server exercise gets the address of the learner's server and calls it
// as any client would; a check of a client exercise runs the learner's client
// against a reference server that records what reached it.
import * as grpc from '@grpc/grpc-js';
import { usefulErrorLine } from '../ui/crash.js';

/** A failed check: what it expected and what arrived, each a short phrase. */
export class CheckFailure extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected ${expected}; got ${actual}`);
  }
}

export function fail(expected: string, actual: string): never {
  throw new CheckFailure(expected, actual);
}

export interface ServerCheckContext {
  /** host:port of the learner's server. */
  target: string;
  /** Every line the learner's server printed so far. */
  serverOutput(): string[];
}

export interface ClientRun {
  /** Exit code, or null if it was killed (see timedOut). */
  code: number | null;
  stdout: string[];
  stderr: string[];
  /** It had not exited when the check stopped waiting, and was killed. */
  timedOut: boolean;
}

/**
 * What a client exercise's reference server saw, and the one run of the
 * learner's client that several checks read: each run of a client costs a
 * second or more, so the checks share it.
 */
export interface SharedClientRun<Call> {
  calls: Call[];
  /** The names that one run sends. */
  names: string[];
  shared?: Promise<{ run: ClientRun; calls: Call[] }>;
}

/** The learner's client, run once with the reference's names; later checks read the same run and the calls it made. */
export function sharedRun<Call>(
  reference: SharedClientRun<Call>,
  runClient: (args: string[]) => Promise<ClientRun>,
): Promise<{ run: ClientRun; calls: Call[] }> {
  reference.shared ??= runClient(reference.names.flatMap((name) => ['--name', name])).then((run) => ({
    run,
    calls: [...reference.calls],
  }));
  return reference.shared;
}

export interface ClientCheckContext<Reference> {
  /** host:port of the reference server. */
  target: string;
  /** What the reference server recorded (its own object, reset before each check). */
  reference: Reference;
  /** Runs the learner's client with --target and these args; resolves when it exits (or is killed after timeoutMs). */
  runClient(args?: string[], options?: { timeoutMs?: number; stdin?: string[] }): Promise<ClientRun>;
}

export interface Check<Context> {
  name: string;
  run(context: Context): Promise<void>;
}

export interface ServerExercise {
  side: 'server';
  /** Args for the learner's server besides --port (and --host). */
  args?: string[];
  checks: Check<ServerCheckContext>[];
}

/** A reference server a client exercise runs: its services and what it records. */
export interface ReferenceServer<Reference> {
  server: grpc.Server;
  /** What the checks read; `reset` empties it before each check. */
  reference: Reference;
  reset(): void;
}

export interface ClientExercise<Reference = unknown> {
  side: 'client';
  /** A new reference server, not yet bound. */
  reference(): ReferenceServer<Reference>;
  checks: Check<ClientCheckContext<Reference>>[];
}

export type ExerciseChecks = ServerExercise | ClientExercise<never>;

/** What a checks module (src/exercises/checks/<slug>.ts) exports: its exercises' checks, by exercise id. */
export type LessonChecks = Record<string, ServerExercise | ClientExercise<any>>;

/** A client exercise's checks, with the type of what its reference server records checked throughout. */
export function clientExercise<Reference>(
  exercise: Omit<ClientExercise<Reference>, 'side'>,
): ClientExercise<Reference> {
  return { side: 'client', ...exercise };
}

export function serverExercise(exercise: Omit<ServerExercise, 'side'>): ServerExercise {
  return { side: 'server', ...exercise };
}

/** "INVALID_ARGUMENT: name must not be empty", or "OK". */
export function describeStatus(error: Partial<grpc.StatusObject> | null | undefined): string {
  if (!error || error.code === undefined || error.code === grpc.status.OK) return 'OK';
  return `${grpc.status[error.code]}${error.details ? `: ${error.details}` : ''}`;
}

/** JSON, or the text itself, shortened for a one-line report. */
export function show(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function expectEqual(what: string, expected: unknown, actual: unknown): void {
  if (JSON.stringify(expected) !== JSON.stringify(actual)) fail(`${what} ${show(expected)}`, show(actual));
}

export interface UnaryResult<Reply> {
  reply?: Reply;
  error?: grpc.ServiceError;
}

type UnaryMethod<Request, Reply> = (
  request: Request,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, reply?: Reply) => void,
) => grpc.ClientUnaryCall;

/** One unary call with a deadline; never rejects: the reply or the error. */
export function unary<Request, Reply>(
  method: UnaryMethod<Request, Reply>,
  request: Request,
  { deadlineMs = 5_000, metadata = new grpc.Metadata() } = {},
): Promise<UnaryResult<Reply>> {
  return new Promise((resolve) => {
    method(request, metadata, { deadline: Date.now() + deadlineMs }, (error, reply) =>
      resolve(error ? { error } : { reply }),
    );
  });
}

/** Resolves when `check` holds, or fails with `expected` and what `actual()` says after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  expected: string,
  actual: () => string,
  timeoutMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) fail(expected, actual());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** "exit code 0, printed ["Hello, Ada!"]": a run of the learner's client in a phrase, with why it failed if it did. */
export function describeRun(run: ClientRun): string {
  if (run.timedOut) return 'a client still running when the check stopped waiting (it was killed)';
  const printed = run.stdout.length ? `printed ${show(run.stdout)}` : 'printed nothing';
  const why = usefulErrorLine(run.stderr);
  return `exit code ${run.code}, ${printed}${why ? `, stderr ${show(why)}` : ''}`;
}

/** "Ada-k3x9q2": a name no starting file can have hard-coded. */
export function randomName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** What a reference server's handler reads of the caller's deadline: ms left, Infinity without one. */
export function deadlineLeftMs(call: { getDeadline(): grpc.Deadline }): number {
  const deadline = call.getDeadline();
  const left = (deadline instanceof Date ? deadline.getTime() : Number(deadline)) - Date.now();
  return Number.isFinite(left) ? left : Infinity;
}

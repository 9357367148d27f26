// Lesson 18's exercise: the channel's service config, which picks the
// load-balancing policy. Three of the lesson's own backends, each under a
// random name, record which of them each call reached, in the order the
// calls came. The learner's client runs once over all three: first 9 calls
// with pick_first, then round_robin until every backend has answered, and 9
// more.
import * as grpc from '@grpc/grpc-js';
import { createServer } from '../../../lessons/18-load-balancing/server.js';
import { multiAddressTarget, splitAddress } from '../../address.js';
import { listen } from '../../runtime/serve.js';
import { clientExercise, describeRun, fail, show, type ClientRun, type LessonChecks } from '../kit.js';

/** What the three backends saw, and the one run of the learner's client that every check reads. */
interface Seen {
  /** The backends' names, the reference server's first. */
  names: string[];
  /** The backend each call reached, in order of arrival. */
  calls: string[];
  run?: Promise<ClientRun>;
  /** Binds the other two backends; the ports of all three, the reference server's first. */
  bindOthers(firstPort: number): Promise<number[]>;
}

const randomName = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 6)}`;

/** The pick_first run's calls, which come first. */
const PICK_FIRST_CALLS = 9;

/** "a 9, b 3": where calls went, for a failure message. */
function spread(backends: string[]): string {
  const counts = new Map<string, number>();
  for (const backend of backends) counts.set(backend, (counts.get(backend) ?? 0) + 1);
  return [...counts].map(([backend, count]) => `${backend} ${count}`).join(', ') || 'no call';
}

export const checks: LessonChecks = {
  client: clientExercise<Seen>({
    reference() {
      const names = [randomName('a'), randomName('b'), randomName('c')];
      const calls: string[] = [];
      /** Records, on the backend it wraps, each call that reaches it. */
      const recordAs =
        (backend: string): grpc.ServerInterceptor =>
        (_method, call) => {
          calls.push(backend);
          return new grpc.ServerInterceptingCall(call);
        };
      const backend = (name: string, utilization: number) =>
        createServer({ interceptors: [recordAs(name)] }, { name, utilization });
      const server = backend(names[0], 0.1);
      const others = [backend(names[1], 0.2), backend(names[2], 0.4)];
      // The other two go when the reference server does.
      const tryShutdown = server.tryShutdown.bind(server);
      server.tryShutdown = (callback) => {
        for (const other of others) other.forceShutdown();
        tryShutdown(callback);
      };
      let ports: Promise<number[]> | undefined;
      const bindOthers = (firstPort: number) =>
        (ports ??= Promise.all(others.map((other) => listen(other, '127.0.0.1', 0))).then((more) => [
          firstPort,
          ...more,
        ]));
      // One run serves every check: nothing to empty between them.
      return { server, reference: { names, calls, bindOthers }, reset: () => {} };
    },
    checks: [
      {
        name: 'pick_first sends every call to one backend',
        async run(context) {
          const seen = await runOnce(context);
          const backends = seen.calls.slice(0, PICK_FIRST_CALLS);
          if (backends.length < PICK_FIRST_CALLS)
            fail(`${PICK_FIRST_CALLS} calls, the pick_first run's`, `${backends.length} reached the backends`);
          if (new Set(backends).size !== 1)
            fail(
              `the first ${PICK_FIRST_CALLS} calls, the pick_first run's, all to one backend`,
              `${spread(backends)} (does the service config come from the \`policy\` argument?)`,
            );
        },
      },
      {
        name: 'round_robin takes turns over all three backends',
        async run(context) {
          const seen = await runOnce(context);
          const backends = seen.calls.slice(PICK_FIRST_CALLS);
          // A channel picks only among backends it has connected to: the first
          // calls may go anywhere. Once each has answered, they take turns.
          const allSeen = backends.findIndex((_, index) => new Set(backends.slice(0, index + 1)).size === 3);
          // The call that reached the last of them found all three connected: from it on, turns.
          const turns = allSeen < 0 ? [] : backends.slice(allSeen);
          const inTurn = turns.every((backend, index) =>
            index < 3 ? !turns.slice(0, index).includes(backend) : backend === turns[index - 3],
          );
          if (allSeen < 0 || !inTurn)
            fail(
              `the round_robin run's calls to reach ${seen.names.join(', ')}, then take turns`,
              `after the first ${PICK_FIRST_CALLS}, calls to ${spread(backends)}, in this order: ${show(backends.slice(0, 15).join(' '))}`,
            );
        },
      },
      {
        name: 'prints where round_robin sent its calls',
        async run(context) {
          const seen = await runOnce(context);
          const run = await seen.run!;
          const expected = `round_robin, 9 calls: ${[...seen.names]
            .sort((a, b) => a.localeCompare(b))
            .map((name) => `${name} 3`)
            .join(', ')}`;
          if (run.code !== 0 || !run.stdout.includes(expected))
            fail(`exit code 0 and the line ${show(expected)}`, describeRun(run));
        },
      },
    ],
  }),
};

/** Binds the other two backends and runs the learner's client over all three, once; resolves with what they saw. */
async function runOnce({
  target,
  reference,
  runClient,
}: {
  target: string;
  reference: Seen;
  runClient: (args?: string[], options?: { timeoutMs?: number }) => Promise<ClientRun>;
}): Promise<Seen> {
  const { host, port } = splitAddress(target)!;
  reference.run ??= reference
    .bindOthers(port)
    .then((ports) => runClient(['--target', multiAddressTarget(host, ports), '--name', 'Ada']));
  // What the backends saw is judged even of a run that failed or had to be stopped.
  await reference.run;
  return reference;
}

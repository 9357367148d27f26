// Lesson 18's exercise: the channel's service config, which picks the
// load-balancing policy. Three of the lesson's own backends, each under a
// random name, record which of them each call reached, in the order the calls
// came. The learner's client watches them twice at once, with --watch-seconds
// (a call every 200 ms): once with pick_first, once with round_robin, each
// run telling its calls apart by the --name it sends.
import * as grpc from '@grpc/grpc-js';
import { createServer } from '../../../lessons/18-load-balancing/server.js';
import { multiAddressTarget, splitAddress } from '../../address.js';
import { listen } from '../../runtime/serve.js';
import type { HelloRequest__Output } from '../../generated/rpc_package/HelloRequest.js';
import { clientExercise, describeRun, fail, show, type ClientRun, type LessonChecks } from '../kit.js';

type Policy = 'pick_first' | 'round_robin';

/** What the three backends saw, and the runs of the learner's client that every check reads. */
interface Seen {
  /** The backends' names, the reference server's first. */
  names: string[];
  /** Each call: the backend it reached and the name it sent, in order of arrival. */
  calls: { backend: string; name: string }[];
  /** The name each policy's run sends. */
  sent: Record<Policy, string>;
  runs?: Promise<Record<Policy, ClientRun>>;
  /** Binds the other two backends; the ports of all three, the reference server's first. */
  bindOthers(firstPort: number): Promise<number[]>;
}

const randomName = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 6)}`;

/** How long each run watches: about 10 calls, 200 ms apart. */
const WATCH_SECONDS = '2';

/** "a 9, b 3": where calls went, for a failure message. */
function spread(backends: string[]): string {
  const counts = new Map<string, number>();
  for (const backend of backends) counts.set(backend, (counts.get(backend) ?? 0) + 1);
  return [...counts].map(([backend, count]) => `${backend} ${count}`).join(', ') || 'no call';
}

/** The backends the calls of one policy's run reached, in order. */
const backendsOf = (seen: Seen, policy: Policy) =>
  seen.calls.filter((call) => call.name === seen.sent[policy]).map((call) => call.backend);

export const checks: LessonChecks = {
  client: clientExercise<Seen>({
    reference() {
      const names = [randomName('a'), randomName('b'), randomName('c')];
      const calls: Seen['calls'] = [];
      /** Records, on the backend it wraps, each request that reaches it. */
      const recordAs =
        (backend: string): grpc.ServerInterceptor =>
        (_method, call) =>
          new grpc.ServerInterceptingCall(call, {
            start: (next) =>
              next({
                onReceiveMessage: (message: HelloRequest__Output, nextMessage) => {
                  calls.push({ backend, name: message.name });
                  nextMessage(message);
                },
              }),
          });
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
      const sent = { pick_first: randomName('pick-'), round_robin: randomName('round-') };
      // The runs serve every check: nothing to empty between them.
      return { server, reference: { names, calls, sent, bindOthers }, reset: () => {} };
    },
    checks: [
      {
        name: 'pick_first sends every call to one backend',
        async run(context) {
          const seen = await watchBoth(context);
          const backends = backendsOf(seen, 'pick_first');
          if (backends.length < 2 || new Set(backends).size !== 1)
            fail(
              'every call of the pick_first run to one backend',
              `${spread(backends)} (does the service config come from the \`policy\` argument?)`,
            );
        },
      },
      {
        name: 'round_robin takes turns over all three backends',
        async run(context) {
          const seen = await watchBoth(context);
          const backends = backendsOf(seen, 'round_robin');
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
              `calls to ${show(backends.join(' '), 200)}`,
            );
        },
      },
      {
        name: 'prints where the calls went',
        async run(context) {
          const seen = await watchBoth(context);
          const run = (await seen.runs!).round_robin;
          const counts = new Map<string, number>();
          for (const backend of backendsOf(seen, 'round_robin')) counts.set(backend, (counts.get(backend) ?? 0) + 1);
          const expected = `round_robin, ${WATCH_SECONDS} s: ${[...counts]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([backend, count]) => `${backend} ${count}`)
            .join(', ')}`;
          if (run.code !== 0 || !run.stdout.includes(expected)) fail(`the line ${show(expected)}`, describeRun(run));
        },
      },
    ],
  }),
};

/**
 * Binds the other two backends and runs the learner's client twice at once
 * over all three, once per policy, the first time it is called; resolves
 * with what the backends saw.
 */
async function watchBoth({
  target,
  reference,
  runClient,
}: {
  target: string;
  reference: Seen;
  runClient: (args?: string[], options?: { timeoutMs?: number }) => Promise<ClientRun>;
}): Promise<Seen> {
  const { host, port } = splitAddress(target)!;
  reference.runs ??= reference.bindOthers(port).then(async (ports) => {
    const watch = (policy: Policy) =>
      runClient([
        '--target',
        multiAddressTarget(host, ports),
        '--watch-seconds',
        WATCH_SECONDS,
        '--policy',
        policy,
        '--name',
        reference.sent[policy],
      ]);
    const [pickFirst, roundRobin] = await Promise.all([watch('pick_first'), watch('round_robin')]);
    return { pick_first: pickFirst, round_robin: roundRobin };
  });
  const runs = await reference.runs;
  for (const run of Object.values(runs))
    if (run.timedOut || run.code !== 0) fail('a client run that ends with exit code 0', describeRun(run));
  return reference;
}

// Lesson 19's exercise: a backend keeps its lease in etcd alive, and writes
// its entry again when the lease is gone. The checks read etcd itself (the
// lesson's cluster, which the learner's server starts or joins and names in
// its output), never the server's word for it.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/etcd.js';
import type { KVClient } from '../../generated/etcdserverpb/KV.js';
import type { LeaseClient } from '../../generated/etcdserverpb/Lease.js';
import type { RangeResponse__Output } from '../../generated/etcdserverpb/RangeResponse.js';
import { eventually, fail, serverExercise, show, type LessonChecks, type ServerCheckContext } from '../kit.js';

/** Where lesson 19's backends register, and the TTL of their leases. */
const PREFIX = '/services/helloworld/';
const LEASE_TTL_MS = 2_000;
/** How long the entry must outlive the first TTL to count as kept alive. */
const KEPT_ALIVE_MS = LEASE_TTL_MS + 1_500;

/** The entry of one backend: its lease and what it says, or undefined if there is none. */
interface Entry {
  lease: string;
  value: string;
}

/** The etcd endpoints the server printed ("registered in etcd at H:P,H:P,H:P under ..."). */
async function endpointsOf(serverOutput: () => string[]): Promise<string> {
  const find = () =>
    serverOutput()
      .map((line) => /registered in etcd at (\S+) under /.exec(line)?.[1])
      .find(Boolean);
  await eventually(
    () => find() !== undefined,
    'the line "registered in etcd at ... under ..." from the server',
    () => `only ${show(serverOutput().slice(-3))}`,
    10_000,
  );
  return find()!;
}

/** KV and Lease clients on the cluster, for one check; closed by `close`. */
async function etcd({ serverOutput }: ServerCheckContext) {
  const target = `ipv4:${await endpointsOf(serverOutput)}`;
  const { etcdserverpb } = loadProto(`${PROTO_DIR}etcd.proto`) as unknown as ProtoGrpcType;
  const kv = new etcdserverpb.KV(target, grpc.credentials.createInsecure()) as KVClient;
  const lease = new etcdserverpb.Lease(target, grpc.credentials.createInsecure()) as LeaseClient;
  return {
    /** The entry under `key`, read from etcd now. */
    entry: (key: string) =>
      new Promise<Entry | undefined>((resolve, reject) =>
        kv.Range(
          { key: Buffer.from(key) },
          { deadline: Date.now() + 2_000 },
          (error, response?: RangeResponse__Output) => {
            if (error) return reject(error);
            const [found] = response!.kvs;
            resolve(found ? { lease: String(found.lease), value: found.value.toString() } : undefined);
          },
        ),
      ),
    revoke: (id: string) =>
      new Promise<void>((resolve, reject) =>
        lease.LeaseRevoke({ ID: id }, { deadline: Date.now() + 2_000 }, (error) => (error ? reject(error) : resolve())),
      ),
    close() {
      kv.close();
      lease.close();
    },
  };
}

/** Polls the entry under `key` until `seenAt + KEPT_ALIVE_MS`; fails if it is ever missing. */
async function expectEntryStays(
  read: (key: string) => Promise<Entry | undefined>,
  key: string,
  seenAt: number,
): Promise<void> {
  let last: Entry | undefined;
  for (;;) {
    const entry = await read(key);
    const age = Date.now() - seenAt;
    if (!entry)
      fail(
        `${key} to stay in etcd ${KEPT_ALIVE_MS} ms after it was first seen (its lease lasts ${LEASE_TTL_MS} ms unless renewed)`,
        `gone ${age} ms after${last ? `, with its lease ${last.lease}` : ''}`,
      );
    last = entry;
    if (age >= KEPT_ALIVE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** When each server's entry was first seen, by its address: the keep-alive check counts from there. */
const firstSeen = new Map<string, number>();

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'registers its address under /services/helloworld/',
        async run(context) {
          const cluster = await etcd(context);
          const key = `${PREFIX}${context.target}`;
          try {
            let entry: Entry | undefined;
            const deadline = Date.now() + 5_000;
            while (!(entry = await cluster.entry(key))) {
              if (Date.now() > deadline) fail(`the key ${key} in etcd`, 'no such key');
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            firstSeen.set(context.target, Date.now());
            let address: unknown;
            try {
              address = (JSON.parse(entry.value) as { address?: unknown }).address;
            } catch {
              address = undefined;
            }
            if (address !== context.target)
              fail(`a value {"address": "${context.target}", ...} under ${key}`, show(entry.value));
          } finally {
            cluster.close();
          }
        },
      },
      {
        name: 'attaches the entry to a lease',
        async run(context) {
          const cluster = await etcd(context);
          try {
            const entry = await cluster.entry(`${PREFIX}${context.target}`);
            if (!entry) fail(`the key ${PREFIX}${context.target} in etcd`, 'no such key');
            if (entry.lease === '0')
              fail('an entry with a lease (it goes when the backend stops renewing it)', 'an entry with no lease');
          } finally {
            cluster.close();
          }
        },
      },
      {
        name: 'keeps its lease alive past the 2 s TTL',
        async run(context) {
          const cluster = await etcd(context);
          try {
            await expectEntryStays(
              cluster.entry,
              `${PREFIX}${context.target}`,
              firstSeen.get(context.target) ?? Date.now(),
            );
          } finally {
            cluster.close();
          }
        },
      },
      {
        name: 'registers again when its lease is revoked',
        async run(context) {
          const cluster = await etcd(context);
          const key = `${PREFIX}${context.target}`;
          try {
            const before = await cluster.entry(key);
            if (!before || before.lease === '0') fail(`the key ${key} with a lease`, show(before ?? 'no such key'));
            // As an operator would: the entry goes with the lease, at once.
            await cluster.revoke(before.lease);
            let again: Entry | undefined;
            const deadline = Date.now() + LEASE_TTL_MS + 2_000;
            while (!(again = await cluster.entry(key)) || again.lease === before.lease) {
              if (Date.now() > deadline)
                fail(
                  `${key} written again under a new lease within ${(LEASE_TTL_MS + 2_000) / 1000} s of revoking lease ${before.lease}`,
                  again ? `lease ${again.lease} still` : 'no such key',
                );
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          } finally {
            cluster.close();
          }
        },
      },
    ],
  }),
};

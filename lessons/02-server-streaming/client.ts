// Server streaming from the client's side: the call returns a readable stream.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const { rpc_package } = loadHelloWorld();

export interface ClientOptions {
  target: string;
  names?: string[];
}

export async function runClient({ target, names = ['world'] }: ClientOptions): Promise<void> {
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    for (const name of names) await lotsOfReplies(client, name);
  } finally {
    client.close();
  }
}

async function lotsOfReplies(client: HelloWorldServiceClient, name: string): Promise<void> {
  // The deadline covers the whole stream, not each message.
  const call = client.LotsOfReplies({ name, reply_count: 5, interval_ms: 200 }, { deadline: Date.now() + 10_000 });
  // The stream is async-iterable: each reply is handled as it arrives, long
  // before the last one is sent. A non-OK status makes the loop throw.
  for await (const reply of call as AsyncIterable<HelloReply__Output>) {
    console.log(reply.message);
  }
}

// Step 3 of the seed's three: the client. Calling a remote method looks like
// calling a local function that takes a callback; the stub does the networking.
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
  // One client holds one channel: a pool of HTTP/2 connections that every call
  // shares. Create it once, reuse it, close it when done.
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    for (const name of names) {
      const reply = await sayHello(client, name);
      console.log(reply.message);
    }
  } finally {
    client.close();
  }
}

function sayHello(client: HelloWorldServiceClient, name: string): Promise<HelloReply__Output> {
  // A deadline is an absolute point in time, not a timeout per attempt: the
  // server sees it too and can give up on work nobody will wait for.
  const deadline = Date.now() + 5_000;
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline }, (error, reply) => {
      // Either error (a ServiceError with a status code) or reply is set, never both.
      if (error) reject(error);
      else resolve(reply!);
    });
  });
}

// Bidirectional streaming from the client's side: a duplex stream. This client
// plays ping-pong: it sends one name, waits for its reply, then sends the next.
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../src/proto.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';

const { rpc_package } = loadHelloWorld();

export interface ClientOptions {
  target: string;
  names?: string[];
}

export async function runClient({ target, names = ['Ada', 'Grace', 'Linus'] }: ClientOptions): Promise<void> {
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    const call = client.BidiHello({ deadline: Date.now() + 5_000 });
    // One iterator over the replies, pulled once per request sent.
    const replies = (call as AsyncIterable<HelloReply__Output>)[Symbol.asyncIterator]();
    for (const name of names) {
      if (!call.write({ name })) await once(call, 'drain');
      const { value: reply, done } = await replies.next();
      if (done) throw new Error(`the server ended the stream before answering ${name}`);
      console.log(reply.message);
    }
    // Half-close our side; the server then ends its side. Reading on to the end
    // of the replies is how the status arrives: done on OK, a throw otherwise.
    call.end();
    for (let rest = await replies.next(); !rest.done; rest = await replies.next()) console.log(rest.value.message);
  } finally {
    client.close();
  }
}

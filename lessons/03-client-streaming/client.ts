// Client streaming from the client's side: a writable stream plus a callback
// that fires once, with the server's single reply.
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
    const reply = await new Promise<HelloReply__Output>((resolve, reject) => {
      const call = client.LotsOfGreetings({ deadline: Date.now() + 5_000 }, (error, reply) => {
        if (error) reject(error);
        else resolve(reply!);
      });
      for (const name of names) call.write({ name });
      // end() half-closes the call: "I am done sending". The server cannot
      // answer before this, so a client that forgets it waits until its deadline.
      call.end();
    });
    console.log(reply.message);
  } finally {
    client.close();
  }
}

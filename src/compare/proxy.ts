// A TCP relay that counts every byte in each direction: what a protocol really
// costs on the wire, headers, framing and control frames included.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CountingProxy {
  address: string;
  /** Bytes from client to server, and back, since the last reset. */
  bytes(): { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

export function countingProxy(target: string): Promise<CountingProxy> {
  const [, host, port] = /^\[?(.*?)\]?:(\d+)$/.exec(target) ?? [];
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      down += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        bytes: () => ({ up, down }),
        reset: () => {
          up = 0;
          down = 0;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

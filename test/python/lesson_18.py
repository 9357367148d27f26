"""Lesson 18's peer in Python grpcio: a client that spreads its calls over the
lesson's backends with round_robin, from the same service config as the
lesson's client.ts.

    lesson_18.py GEN_DIR TARGET CALLS

TARGET is an ipv4: target naming every backend. Calls until each backend has
answered once (round_robin picks only among connected backends), prints
`ready`, waits for a line on stdin, then makes CALLS calls and prints how many
each backend answered, one `name count` a line.

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto.
"""
import json
import re
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import helloworld_pb2_grpc  # noqa: E402

ROUND_ROBIN = json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})


def main(target, calls):
    backends = len(target.split(":", 1)[1].split(","))
    with grpc.insecure_channel(target, options=[("grpc.service_config", ROUND_ROBIN)]) as channel:
        stub = helloworld_pb2_grpc.HelloWorldServiceStub(channel)

        def call():
            reply = stub.SayHello(helloworld_pb2.HelloRequest(name="Ada"), timeout=10)
            return re.search(r"\(from backend (.+)\)$", reply.message).group(1)

        seen = set()
        for _ in range(100):
            seen.add(call())
            if len(seen) == backends:
                break
        print("ready", flush=True)
        sys.stdin.readline()
        counts = {}
        for _ in range(calls):
            backend = call()
            counts[backend] = counts.get(backend, 0) + 1
        for backend in sorted(counts):
            print(f"{backend} {counts[backend]}", flush=True)


if __name__ == "__main__":
    main(sys.argv[2], int(sys.argv[3]))

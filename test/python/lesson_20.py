"""Lesson 20's idea from Python grpcio: calls through nginx, on one channel.

    lesson_20.py GENERATED_DIR TARGET COUNT

Makes COUNT SayHello calls on one channel to TARGET (an nginx proxy) and
prints how many each backend answered, "a 3" a line, by name; a failed call
prints its status code name and exits 1.
"""
import re
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import helloworld_pb2_grpc  # noqa: E402


def main():
    target, count = sys.argv[2], int(sys.argv[3])
    answered = {}
    with grpc.insecure_channel(target) as channel:
        stub = helloworld_pb2_grpc.HelloWorldServiceStub(channel)
        for _ in range(count):
            try:
                reply = stub.SayHello(helloworld_pb2.HelloRequest(name="Python"), timeout=5)
            except grpc.RpcError as error:
                print(error.code().name, error.details())
                sys.exit(1)
            backend = re.search(r"\(from backend (\w+)\)$", reply.message).group(1)
            answered[backend] = answered.get(backend, 0) + 1
    for backend in sorted(answered):
        print(backend, answered[backend])


main()

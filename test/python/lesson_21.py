"""Lesson 21's peer in Python grpcio: the same retry policies as the lesson's
client.ts, in the same service config JSON, against the lesson's server.

    lesson_21.py GEN_DIR TARGET

Calls SayHelloFlaky once on a channel that retries UNAVAILABLE and prints the
reply; then sends 12 SayHelloLimited at once on a channel with no retries and
prints how many came back OK and RESOURCE_EXHAUSTED; then one SayHelloLimited
on a channel that retries RESOURCE_EXHAUSTED, and prints its reply.

GEN_DIR holds the *_pb2*.py files generated from protos/resilience.proto and
protos/helloworld.proto.
"""
import json
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import resilience_pb2_grpc  # noqa: E402


def retrying(method, codes):
    return {
        "name": [{"service": "rpc_package.ResilientGreeter", "method": method}],
        "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.1s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": codes,
        },
    }


SERVICE_CONFIG = json.dumps(
    {
        "methodConfig": [
            retrying("SayHelloFlaky", ["UNAVAILABLE"]),
            retrying("SayHelloLimited", ["RESOURCE_EXHAUSTED"]),
        ]
    }
)


def main(target):
    request = helloworld_pb2.HelloRequest(name="Ada")
    options = [("grpc.service_config", SERVICE_CONFIG), ("grpc.enable_retries", 1)]
    with grpc.insecure_channel(target, options=options) as resilient, grpc.insecure_channel(target) as plain:
        stub = resilience_pb2_grpc.ResilientGreeterStub(resilient)
        print(stub.SayHelloFlaky(request, timeout=10).message, flush=True)

        plain_stub = resilience_pb2_grpc.ResilientGreeterStub(plain)
        # Connect first, so that the burst is one burst.
        grpc.channel_ready_future(plain).result(timeout=10)

        def limited(_):
            try:
                plain_stub.SayHelloLimited(request, timeout=10)
                return "OK"
            except grpc.RpcError as error:
                return error.code().name

        with ThreadPoolExecutor(max_workers=12) as pool:
            outcomes = list(pool.map(limited, range(12)))
        print(f"{outcomes.count('OK')} OK, {outcomes.count('RESOURCE_EXHAUSTED')} RESOURCE_EXHAUSTED", flush=True)
        # A token may have come back while the burst's outcomes were counted (a
        # busy machine): take it, so that the next call finds the bucket empty.
        for _ in range(20):
            if limited(None) != "OK":
                break
        print(stub.SayHelloLimited(request, timeout=10).message, flush=True)


if __name__ == "__main__":
    main(sys.argv[2])

"""Lesson 19's peer in Python grpcio: a backend that registers itself in etcd
as the lesson's server.ts does, through etcd's own gRPC API, so that the
lesson's client, resolving etcd:///helloworld, finds it and calls it.

    lesson_19.py GEN_DIR ETCD_ENDPOINTS NAME

Serves HelloWorldService on a free 127.0.0.1 port, answering as backend NAME;
grants a lease of 2 s, puts /services/helloworld/127.0.0.1:PORT (value
{"address", "name"}) under it, keeps the lease alive on a LeaseKeepAlive stream,
prints `registered 127.0.0.1:PORT LEASE_ID`, and serves until its stdin ends;
then it revokes the lease and stops.

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto and
protos/etcd.proto.
"""
import json
import sys
import threading
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import etcd_pb2  # noqa: E402
import etcd_pb2_grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import helloworld_pb2_grpc  # noqa: E402

TTL = 2


class Greeter(helloworld_pb2_grpc.HelloWorldServiceServicer):
    def __init__(self, name):
        self.name = name

    def SayHello(self, request, context):
        return helloworld_pb2.HelloReply(message=f"Hello, {request.name or 'world'}! (from backend {self.name})")


def main(endpoints, name):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    helloworld_pb2_grpc.add_HelloWorldServiceServicer_to_server(Greeter(name), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    address = f"127.0.0.1:{port}"

    channel = grpc.insecure_channel(f"ipv4:{endpoints}")
    lease = etcd_pb2_grpc.LeaseStub(channel)
    kv = etcd_pb2_grpc.KVStub(channel)
    granted = lease.LeaseGrant(etcd_pb2.LeaseGrantRequest(TTL=TTL), timeout=5)
    value = json.dumps({"address": address, "name": name}).encode()
    kv.Put(etcd_pb2.PutRequest(key=f"/services/helloworld/{address}".encode(), value=value, lease=granted.ID), timeout=5)

    stopping = threading.Event()

    def keep_alive_requests():
        while not stopping.is_set():
            yield etcd_pb2.LeaseKeepAliveRequest(ID=granted.ID)
            stopping.wait(TTL / 3)

    def keep_alive():
        # A stream that breaks (the member went away) is opened again.
        while not stopping.is_set():
            try:
                for _ in lease.LeaseKeepAlive(keep_alive_requests()):
                    pass
            except grpc.RpcError:
                time.sleep(0.1)

    threading.Thread(target=keep_alive, daemon=True).start()
    print(f"registered {address} {granted.ID}", flush=True)
    sys.stdin.read()
    stopping.set()
    lease.LeaseRevoke(etcd_pb2.LeaseRevokeRequest(ID=granted.ID), timeout=5)
    server.stop(1).wait()


if __name__ == "__main__":
    main(sys.argv[2], sys.argv[3])

"""An independent gRPC peer in the seed's language, for interop tests.

    peer.py GEN_DIR server             serve all four methods on a free port
    peer.py GEN_DIR client TARGET METHOD NAME...
                                       call METHOD with only `name` set, print each reply
    peer.py GEN_DIR report TARGET REST_TARGET
                                       lesson 05: SendReport over gRPC and POST /v1/reports
                                       over HTTP with the same readings, print both summaries

GEN_DIR holds the *_pb2*.py files generated from protos/.
"""
import json
import urllib.request
import queue
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402


class Greeter(pb_grpc.HelloWorldServiceServicer):
    def SayHello(self, request, context):
        return pb.HelloReply(message=f"Hello from Python, {request.name}!")

    def LotsOfReplies(self, request, context):
        count = request.reply_count or 3
        for sequence in range(1, count + 1):
            yield pb.HelloReply(message=f"Hello from Python, {request.name}! ({sequence} of {count})", sequence=sequence)
            if request.interval_ms and sequence < count:
                time.sleep(request.interval_ms / 1000)

    def LotsOfGreetings(self, request_iterator, context):
        names = [request.name for request in request_iterator]
        return pb.HelloReply(message=f"Hello from Python, {' & '.join(names) or 'nobody'}!")

    def BidiHello(self, request_iterator, context):
        for sequence, request in enumerate(request_iterator, start=1):
            yield pb.HelloReply(message=f"Hello from Python, {request.name}!", sequence=sequence)


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_HelloWorldServiceServicer_to_server(Greeter(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"python server listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


def call(target, method, names):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.HelloWorldServiceStub(channel)
        if method == "SayHello":
            for name in names:
                print(stub.SayHello(pb.HelloRequest(name=name), timeout=5).message)
        elif method == "LotsOfReplies":
            for reply in stub.LotsOfReplies(pb.HelloRequest(name=names[0]), timeout=5):
                print(reply.message)
        elif method == "LotsOfGreetings":
            print(stub.LotsOfGreetings(iter([pb.HelloRequest(name=n) for n in names]), timeout=5).message)
        elif method == "BidiHello":
            # Ping-pong: the next request is sent only after the previous reply
            # arrived. A server that held its replies until the end of the
            # request stream would make this time out.
            arrived = queue.Queue()

            def requests():
                for name in names:
                    yield pb.HelloRequest(name=name)
                    arrived.get(timeout=5)
                    print(f"ping-pong: reply for {name} arrived before the next request", flush=True)

            for reply in stub.BidiHello(requests(), timeout=10):
                print(reply.message, flush=True)
                arrived.put(reply)
        else:
            raise SystemExit(f"unknown method {method}")


def report(target, rest_target):
    import report_pb2
    import report_pb2_grpc

    readings = [dict(sensor_id=i, timestamp_ms=1_764_000_000_000 + i, value=i * 0.5, ok=True, unit="celsius") for i in range(10)]
    with grpc.insecure_channel(target) as channel:
        summary = report_pb2_grpc.ReportServiceStub(channel).SendReport(
            report_pb2.Report(name="Ada", readings=[report_pb2.Reading(**r) for r in readings]), timeout=5
        )
        print(f"grpc: {summary.message} {summary.readings} {summary.mean}")
    body = json.dumps({"name": "Ada", "readings": readings}).encode()
    request = urllib.request.Request(f"http://{rest_target}/v1/reports", data=body, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        summary = json.load(response)
        print(f"rest: {summary['message']} {summary['readings']} {summary['mean']}")


if __name__ == "__main__":
    if sys.argv[2] == "server":
        serve()
    elif sys.argv[2] == "report":
        report(sys.argv[3], sys.argv[4])
    else:
        try:
            call(sys.argv[3], sys.argv[4], sys.argv[5:])
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            sys.exit(1)

"""Lesson 06's peer in Python grpcio: deadlines and cancellation across languages.

    lesson_06.py GEN_DIR client TARGET LotsOfReplies|Greet
        one call with a 0.5 s timeout that the server cannot meet; prints how it ended
    lesson_06.py GEN_DIR back
        serve BackService ("B") on a free port; MakeGreeting reports the time its
        call had left, works in small steps while the caller still waits, and
        prints a line when it stops because nobody does

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto and
protos/deadlines.proto.
"""
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import deadlines_pb2  # noqa: E402
import deadlines_pb2_grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import helloworld_pb2_grpc  # noqa: E402

TIMEOUT_S = 0.5


def client(target, method):
    with grpc.insecure_channel(target) as channel:
        # Connect first: the timeout is about the call, not the connection.
        grpc.channel_ready_future(channel).result(timeout=10)
        replies = 0
        try:
            if method == "LotsOfReplies":
                stub = helloworld_pb2_grpc.HelloWorldServiceStub(channel)
                request = helloworld_pb2.HelloRequest(name="Ada", reply_count=3, interval_ms=60_000)
                for _reply in stub.LotsOfReplies(request, timeout=TIMEOUT_S):
                    replies += 1
            elif method == "Greet":
                stub = deadlines_pb2_grpc.FrontServiceStub(channel)
                stub.Greet(deadlines_pb2.GreetingRequest(name="Ada", work_ms=60_000), timeout=TIMEOUT_S)
            else:
                raise SystemExit(f"unknown method {method}")
            status = "OK"
        except grpc.RpcError as error:
            status = error.code().name
        print(f"{method}: {replies} {'reply' if replies == 1 else 'replies'}, then {status}", flush=True)


class Back(deadlines_pb2_grpc.BackServiceServicer):
    def MakeGreeting(self, request, context):
        # grpcio turns the grpc-timeout header back into time left, as grpc-js does.
        left = context.time_remaining()
        print(f"MakeGreeting: deadline in {'none' if left is None else round(left * 1000)} ms", flush=True)
        started = time.monotonic()
        while time.monotonic() - started < request.work_ms / 1000:
            if not context.is_active():
                print(f"MakeGreeting: cancelled after {round((time.monotonic() - started) * 1000)} ms; stopped", flush=True)
                return deadlines_pb2.GreetingReply()
            time.sleep(0.01)
        left_ms = 0 if left is None else max(1, round(left * 1000))
        return deadlines_pb2.GreetingReply(message=f"Hello from Python, {request.name}!", deadline_left_ms=left_ms)


def back():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    deadlines_pb2_grpc.add_BackServiceServicer_to_server(Back(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"python back service listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2] == "client":
        client(sys.argv[3], sys.argv[4])
    elif sys.argv[2] == "back":
        back()
    else:
        raise SystemExit(f"unknown mode {sys.argv[2]}")

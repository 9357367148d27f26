"""Lesson 08 (metadata) from Python grpcio, for interop tests.

    lesson_08.py GEN_DIR client TARGET   call SayHello and LotsOfReplies with x- metadata and a
                                         -bin key, print what came back in headers and trailers
    lesson_08.py GEN_DIR server          serve both methods the way the lesson's server does:
                                         echo x- headers, end with an x-handled-ms trailer

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto.
"""
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402

TRACE = bytes([0x00, 0xFF, 0x10, 0x80, 0x0A])


def is_number(text):
    try:
        float(text)
        return True
    except (TypeError, ValueError):
        return False


def show(method, sent, headers):
    received = dict(headers)
    for key, value in sent:
        if key not in received:
            print(f"{method} header {key}: not echoed")
        elif isinstance(value, bytes):
            echo = received[key]
            print(f"{method} header {key}: {echo.hex() if isinstance(echo, bytes) else repr(echo)}")
        else:
            print(f"{method} header {key}: {received[key]}")


def show_trailers(method, trailers):
    value = dict(trailers).get("x-handled-ms")
    print(f"{method} trailer x-handled-ms: {'a number' if is_number(value) else repr(value)}")


def call(target):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.HelloWorldServiceStub(channel)
        sent = [("x-request-id", "py-1"), ("x-trace-bin", TRACE), ("x-tag", "one"), ("client-lang", "python")]
        reply, unary = stub.SayHello.with_call(pb.HelloRequest(name="Ada"), metadata=sent, timeout=5)
        show("SayHello", sent, unary.initial_metadata())
        print(reply.message)
        show_trailers("SayHello", unary.trailing_metadata())

        sent = [("x-request-id", "py-2"), ("x-trace-bin", TRACE)]
        stream = stub.LotsOfReplies(pb.HelloRequest(name="Ada", reply_count=2), metadata=sent, timeout=5)
        # initial_metadata() waits for the response headers, which come before any reply.
        show("LotsOfReplies", sent, stream.initial_metadata())
        for reply in stream:
            print(reply.message)
        show_trailers("LotsOfReplies", stream.trailing_metadata())

        # A pseudo-header name: grpcio refuses it before anything is sent.
        try:
            stub.SayHello(pb.HelloRequest(name="Ada"), metadata=[(":authority", "example.com")], timeout=5)
            print(":authority: sent")
        except ValueError as error:
            print(f":authority: refused ({error.args[0].split(':')[0]})")


class Echo(pb_grpc.HelloWorldServiceServicer):
    @staticmethod
    def _echo(context):
        context.send_initial_metadata([(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")])

    def SayHello(self, request, context):
        started = time.perf_counter()
        self._echo(context)
        context.set_trailing_metadata([("x-handled-ms", f"{(time.perf_counter() - started) * 1000:.2f}")])
        return pb.HelloReply(message=f"Hello, {request.name}!")

    def LotsOfReplies(self, request, context):
        started = time.perf_counter()
        self._echo(context)
        count = request.reply_count or 3
        for sequence in range(1, count + 1):
            yield pb.HelloReply(message=f"Hello, {request.name or 'world'}! ({sequence} of {count})", sequence=sequence)
            if request.interval_ms and sequence < count:
                time.sleep(request.interval_ms / 1000)
        context.set_trailing_metadata([("x-handled-ms", f"{(time.perf_counter() - started) * 1000:.2f}")])


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_HelloWorldServiceServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"python server listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2] == "server":
        serve()
    else:
        try:
            call(sys.argv[3])
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            sys.exit(1)

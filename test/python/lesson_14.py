"""Lesson 14 (evolving the contract) from Python grpcio, for interop tests.

    lesson_14.py GEN_DIR client TARGET NAME
        the article's client, built from v1 (protos/helloworld.proto): SayHello,
        print the reply's message, then the reply encoded again, in hex (what
        Python kept of it, fields v1 cannot name included)
    lesson_14.py GEN_DIR client-v2 TARGET NAME
        a client built from v2: SayHello with greeting_style "formal", print
        the message and visits
    lesson_14.py GEN_DIR hop BACKEND
        a hop built from v1 on a free port: each SayHello is decoded into v1's
        message, then sent on to BACKEND and its reply passed back the same way
    lesson_14.py GEN_DIR retyped
        a server built from helloworld_v3_retyped.proto (greeting_style is an
        int32 there) on a free port; each SayHello prints what it read
    lesson_14.py GEN_DIR json
        a renamed field and JSON: v2's reply as JSON, parsed as v3's

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto and
protos/evolution/*.proto. The versions declare the same names, so one Python
process imports only one of them: protobuf's descriptor pool refuses a
second rpc_package.HelloRequest.
"""
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402

TIMEOUT_S = 10


def serve(add, servicer, label):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"python {label} listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


def client(target, name):
    import helloworld_pb2 as pb
    import helloworld_pb2_grpc as pb_grpc

    # The article's client, as the project README gives it.
    stub = pb_grpc.HelloWorldServiceStub(grpc.insecure_channel(target))
    reply = stub.SayHello(pb.HelloRequest(name=name), timeout=TIMEOUT_S)
    print(reply.message)
    print(reply.SerializeToString().hex())


def client_v2(target, name):
    from evolution import helloworld_v2_pb2 as pb
    from evolution import helloworld_v2_pb2_grpc as pb_grpc

    stub = pb_grpc.HelloWorldServiceStub(grpc.insecure_channel(target))
    reply = stub.SayHello(pb.HelloRequest(name=name, greeting_style="formal"), timeout=TIMEOUT_S)
    print(f"{reply.message} visits {reply.visits}")


def hop(backend):
    import helloworld_pb2_grpc as pb_grpc

    stub = pb_grpc.HelloWorldServiceStub(grpc.insecure_channel(backend))

    class Hop(pb_grpc.HelloWorldServiceServicer):
        def SayHello(self, request, context):
            # request is a v1 HelloRequest, decoded from the caller's bytes;
            # the stub encodes it again for the backend.
            return stub.SayHello(request, timeout=context.time_remaining())

    serve(pb_grpc.add_HelloWorldServiceServicer_to_server, Hop(), "v1 hop")


def retyped():
    from evolution import helloworld_v3_retyped_pb2 as pb
    from evolution import helloworld_v3_retyped_pb2_grpc as pb_grpc

    class Retyped(pb_grpc.HelloWorldServiceServicer):
        def SayHello(self, request, context):
            print(
                f"SayHello greeting_style {request.greeting_style}, "
                f"encoded again: {request.SerializeToString().hex()}",
                flush=True,
            )
            style = "Good day, {}." if request.greeting_style == 1 else "Hello, {}!"
            return pb.HelloReply(message=style.format(request.name), visits=1)

    serve(pb_grpc.add_HelloWorldServiceServicer_to_server, Retyped(), "retyped v3 server")


def json_rename():
    from google.protobuf import json_format
    from evolution import helloworld_v3_pb2 as pb

    # What a v2 server's reply looks like as JSON (proto3's JSON mapping uses
    # field names), and what v3, where message is renamed text, makes of it.
    v2_json = '{"message": "Hello, Ada!", "visits": 1}'
    try:
        json_format.Parse(v2_json, pb.HelloReply())
        print("parsed")
    except json_format.ParseError as error:
        print(f"ParseError: {str(error).splitlines()[0]}")
    lenient = json_format.Parse(v2_json, pb.HelloReply(), ignore_unknown_fields=True)
    print(f"ignore_unknown_fields: text {lenient.text!r}, visits {lenient.visits}")
    print(json_format.MessageToJson(pb.HelloReply(text="Hello, Ada!", visits=1), indent=None))


if __name__ == "__main__":
    mode = sys.argv[2]
    if mode == "client":
        client(sys.argv[3], sys.argv[4])
    elif mode == "client-v2":
        client_v2(sys.argv[3], sys.argv[4])
    elif mode == "hop":
        hop(sys.argv[3])
    elif mode == "retyped":
        retyped()
    elif mode == "json":
        json_rename()
    else:
        raise SystemExit(f"unknown mode {mode}")

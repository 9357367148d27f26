"""Lesson 09 from Python grpcio: a client with no interceptors of its own, which
sends the token as plain call metadata where it needs one.

    lesson_09.py GEN_DIR TARGET

prints one line per call:
    no token: CODE details          SayHello with no metadata
    wrong token: CODE details       SayHello with a token the server does not know
    token: reply                    SayHello with the lesson's token
    stream: reply                   each BidiHello reply, with the token

GEN_DIR holds the *_pb2*.py files generated from protos/.
"""
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402

TOKEN = (("authorization", "Bearer lesson-09-token"),)
WRONG = (("authorization", "Bearer not-the-token"),)


def refused(label, call):
    try:
        reply = call()
    except grpc.RpcError as error:
        print(f"{label}: {error.code().name} {error.details()}", flush=True)
    else:
        print(f"{label}: answered {reply.message!r}", flush=True)


def main(target):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.HelloWorldServiceStub(channel)
        hello = pb.HelloRequest(name="Ada")
        refused("no token", lambda: stub.SayHello(hello, timeout=5))
        refused("wrong token", lambda: stub.SayHello(hello, timeout=5, metadata=WRONG))
        print(f"token: {stub.SayHello(hello, timeout=5, metadata=TOKEN).message}", flush=True)
        names = iter([pb.HelloRequest(name="Ada"), pb.HelloRequest(name="Grace")])
        for reply in stub.BidiHello(names, timeout=5, metadata=TOKEN):
            print(f"stream: {reply.message}", flush=True)


if __name__ == "__main__":
    main(sys.argv[2])

"""Lesson 15's client in Python grpcio: mTLS with the lesson's certificates, and bearer tokens.

    lesson_15.py GEN_DIR TARGET CLIENT_FILES_DIR PLAINTEXT_TARGET

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto;
CLIENT_FILES_DIR the ca.pem, client.pem and client-key.pem the lesson's server
on TARGET wrote. PLAINTEXT_TARGET serves the same service without TLS. One
line per call: the reply, or the status code and details.
"""
import os
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402

TARGET = sys.argv[2]
FILES = sys.argv[3]
PLAINTEXT_TARGET = sys.argv[4]
TIMEOUT_S = 5
# The server's certificate names localhost and 127.0.0.1; dialled by IP, the
# name to send and check is set here, as the lesson's client does.
OPTIONS = [("grpc.ssl_target_name_override", "localhost")]


def read(name):
    with open(os.path.join(FILES, name), "rb") as file:
        return file.read()


def say_hello(channel, label, **call_options):
    stub = pb_grpc.HelloWorldServiceStub(channel)
    try:
        reply = stub.SayHello(pb.HelloRequest(name="Python"), timeout=TIMEOUT_S, **call_options)
        print(f"{label}: {reply.message}")
    except grpc.RpcError as error:
        print(f"{label}: {error.code().name}: {error.details()}")


tls = grpc.ssl_channel_credentials(
    root_certificates=read("ca.pem"),
    private_key=read("client-key.pem"),
    certificate_chain=read("client.pem"),
)
# access_token_call_credentials sends `authorization: Bearer <token>`.
ada = grpc.access_token_call_credentials("lesson-15-ada")
viewer = grpc.access_token_call_credentials("lesson-15-viewer")

with grpc.secure_channel(TARGET, grpc.composite_channel_credentials(tls, ada), OPTIONS) as channel:
    say_hello(channel, "mTLS, ada's token")
with grpc.secure_channel(TARGET, tls, OPTIONS) as channel:
    say_hello(channel, "mTLS, no token")
    say_hello(channel, "mTLS, viewer's token", credentials=viewer)
with grpc.secure_channel(TARGET, grpc.ssl_channel_credentials(root_certificates=read("ca.pem")), OPTIONS) as channel:
    # The handshake fails: the status is all a Python client learns.
    stub = pb_grpc.HelloWorldServiceStub(channel)
    try:
        stub.SayHello(pb.HelloRequest(name="Python"), timeout=TIMEOUT_S, credentials=ada)
        print("TLS without a client certificate: OK")
    except grpc.RpcError as error:
        print(f"TLS without a client certificate: {error.code().name}")
with grpc.insecure_channel(PLAINTEXT_TARGET) as channel:
    # grpcio will not send call credentials over a connection without TLS.
    say_hello(channel, "a token on an insecure channel", credentials=ada)

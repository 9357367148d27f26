"""Lesson 10 (flow control) from Python grpcio, for interop tests.

    lesson_10.py GEN_DIR slow-reader TARGET COUNT   call Download for COUNT chunks of 1 KiB, read the
                                                   first, print "first", then read nothing until a
                                                   line arrives on stdin; then read the rest, pausing
                                                   now and then, and print what arrived and the
                                                   server's x- trailers

GEN_DIR holds the *_pb2*.py files generated from protos/flowcontrol.proto (and helloworld.proto).
"""
import sys
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import flowcontrol_pb2 as pb  # noqa: E402
import flowcontrol_pb2_grpc as pb_grpc  # noqa: E402


def slow_reader(target, count):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.FlowControlServiceStub(channel)
        stream = stub.Download(pb.DownloadRequest(count=count, chunk_bytes=1024), timeout=30)
        chunks = iter(stream)
        first = next(chunks)
        print("first", flush=True)
        # The consumer is busy: grpcio reads nothing more from the stream, and
        # HTTP/2 flow control holds the server back.
        sys.stdin.readline()
        read, in_order, size = 1, first.sequence == 1, len(first.data)
        for chunk in chunks:
            read += 1
            in_order = in_order and chunk.sequence == read
            size = max(size, len(chunk.data))
            if read % 100 == 0:
                time.sleep(0.001)
        print(f"read {read} chunks of {size} bytes, {'in order' if in_order else 'OUT OF ORDER'}")
        trailers = dict(stream.trailing_metadata())
        for key in ("x-held-at-most", "x-drain-waits", "x-written-while-full"):
            print(f"{key}: {trailers.get(key)}")


if __name__ == "__main__":
    mode = sys.argv[2]
    if mode == "slow-reader":
        slow_reader(sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(f"unknown mode {mode}")

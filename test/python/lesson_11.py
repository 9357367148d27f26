"""Lesson 11's peer in Python grpcio: a client that follows the feed across
server restarts, the way the lesson's client.ts does.

    lesson_11.py GEN_DIR TARGET COUNT INTERVAL_MS

Prints `subscribing to TARGET`, subscribes with wait_for_ready (so it may
start before any server listens), prints each greeting as it arrives, and
when a stream ends UNAVAILABLE prints `resuming after N` and subscribes again
with resume_after=N. Exits 0 once it
has the whole feed; any other status ends it with 1.

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto and
protos/feed.proto.
"""
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import feed_pb2  # noqa: E402
import feed_pb2_grpc  # noqa: E402

WAIT_FOR_SERVER_S = 10
MAX_STREAMS = 5


def follow(target, count, interval_ms):
    # Short reconnect backoff: the test restarts the server within a second.
    options = [("grpc.initial_reconnect_backoff_ms", 100), ("grpc.max_reconnect_backoff_ms", 200)]
    with grpc.insecure_channel(target, options=options) as channel:
        stub = feed_pb2_grpc.HelloFeedServiceStub(channel)
        print(f"subscribing to {target}", flush=True)
        last = 0
        for streams in range(1, MAX_STREAMS + 1):
            request = feed_pb2.SubscribeRequest(
                name="Ada", reply_count=count, interval_ms=interval_ms, resume_after=last
            )
            timeout = (count - last) * interval_ms / 1000 + WAIT_FOR_SERVER_S
            try:
                for reply in stub.Subscribe(request, timeout=timeout, wait_for_ready=True):
                    if reply.sequence <= last:
                        continue
                    if reply.sequence != last + 1:
                        print(f"greetings {last + 1} to {reply.sequence - 1} are missing", flush=True)
                        return 1
                    last = reply.sequence
                    print(reply.message, flush=True)
                print(f"{last} of {count} greetings on {streams} streams: OK", flush=True)
                return 0
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    print(f"{error.code().name}: {error.details()}", flush=True)
                    return 1
                print(f"stream {streams} ended UNAVAILABLE; resuming after {last}", flush=True)
        return 1


if __name__ == "__main__":
    _, _gen_dir, target, count, interval_ms = sys.argv
    sys.exit(follow(target, int(count), int(interval_ms)))

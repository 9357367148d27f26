"""Lesson 13's chat member in Python grpcio, the way the lesson's client.ts
runs with --interactive.

    lesson_13.py GEN_DIR TARGET NAME

Joins the room as NAME (the call's first message), sends each line of stdin
as a message, and prints each event of the room as one line (`ada: hello`,
`* ada joined`, `* ada left`). When stdin ends it half-closes, reads on until
the server ends the call, and prints `status: OK` (or the code and details).

GEN_DIR holds the *_pb2*.py files generated from protos/chat.proto.
"""
import queue
import sys
import threading

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import chat_pb2  # noqa: E402
import chat_pb2_grpc  # noqa: E402


def describe(event):
    if event.kind == chat_pb2.ChatEvent.SAID:
        return f"{event.member}: {event.text}"
    if event.kind == chat_pb2.ChatEvent.JOINED:
        return f"* {event.member} joined"
    return f"* {event.member} left" + (f" ({event.text})" if event.text else "")


def member(target, name):
    outgoing = queue.Queue()

    # grpcio sends what this generator yields, in a thread of its own; when
    # the generator returns, the call is half-closed: the member's goodbye.
    def requests():
        yield chat_pb2.ChatMessage(join=name)
        while True:
            text = outgoing.get()
            if text is None:
                return
            yield chat_pb2.ChatMessage(text=text)

    def read_stdin():
        for line in sys.stdin:
            line = line.rstrip("\n")
            if line.strip():
                outgoing.put(line)
        outgoing.put(None)

    threading.Thread(target=read_stdin, daemon=True).start()
    with grpc.insecure_channel(target) as channel:
        events = chat_pb2_grpc.ChatRoomStub(channel).Chat(requests(), timeout=30)
        try:
            for event in events:
                print(describe(event), flush=True)
            print(f"status: {events.code().name}", flush=True)
            return 0
        except grpc.RpcError as error:
            print(f"status: {error.code().name}: {error.details()}", flush=True)
            return 1


if __name__ == "__main__":
    sys.exit(member(sys.argv[2], sys.argv[3]))

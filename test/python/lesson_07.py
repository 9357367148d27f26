"""Lesson 07 interop: rich error details (google.rpc.Status in the trailer
grpc-status-details-bin) between grpcio and the lesson's TypeScript code,
decoded and encoded here with nothing but the classes protoc generated
(grpcio-status is not needed).

    lesson_07.py GEN_DIR client TARGET   make the lesson client's failing calls and
                                         print one line per call, as it does
    lesson_07.py GEN_DIR server          serve the lesson's rules on a free port

GEN_DIR holds the *_pb2*.py files generated from protos/batch.proto and the
protos it imports.
"""
import json
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
from google.protobuf import any_pb2, duration_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
import batch_pb2  # noqa: E402
import batch_pb2_grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402

DETAILS_KEY = "grpc-status-details-bin"
NAMES = ["Ada", "Grace", "Linus", "Barbara"]


# ---- the client side: decode what the server sent ----

def status_code(number):
    return next(code for code in grpc.StatusCode if code.value[0] == number)


def describe_detail(detail):
    if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
        bad = error_details_pb2.BadRequest()
        detail.Unpack(bad)
        return "BadRequest: " + ", ".join(f"{v.field} {v.description}" for v in bad.field_violations)
    if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
        retry = error_details_pb2.RetryInfo()
        detail.Unpack(retry)
        seconds = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
        return f"RetryInfo: retry in {seconds:g}s"
    return f"{detail.type_url} (not decoded)"


def describe_status(number, name, message, details):
    text = "OK (status 0)" if number == 0 else f"{name} (status {number}): {message}"
    return " · ".join([text] + [describe_detail(detail) for detail in details])


def trailer_details(error):
    for key, value in error.trailing_metadata() or ():
        if key == DETAILS_KEY:
            status = status_pb2.Status.FromString(value)
            # grpc-status and the Status must agree, or the details are not for this status.
            return list(status.details) if status.code == error.code().value[0] else []
    return []


def line(call, replies, error):
    before = "" if not replies else f'"{replies[0]}", then ' if len(replies) == 1 else f"{len(replies)} replies, then "
    if error is None:
        return f"{call}: {before}OK (status 0)"
    code = error.code()
    return f"{call}: {before}{describe_status(code.value[0], code.name, error.details(), trailer_details(error))}"


def run_client(target):
    quoted = lambda names: " ".join(json.dumps(name) for name in names)  # noqa: E731
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.HelloWorldServiceStub(channel)
        batch = batch_pb2_grpc.HelloBatchServiceStub(channel)

        try:
            stub.SayHello(pb.HelloRequest(name=""), timeout=5)
            print(line('SayHello ""', [], None))
        except grpc.RpcError as error:
            print(line('SayHello ""', [], error))

        replies = []
        try:
            for reply in stub.LotsOfReplies(pb.HelloRequest(name="Ada", reply_count=1000, interval_ms=-1), timeout=5):
                replies.append(reply.message)
            error = None
        except grpc.RpcError as caught:
            error = caught
        print(line('LotsOfReplies "Ada" reply_count=1000 interval_ms=-1', replies, error))

        replies = []
        try:
            for reply in stub.BidiHello(iter([pb.HelloRequest(name=name) for name in NAMES]), timeout=5):
                replies.append(reply.message)
            error = None
        except grpc.RpcError as caught:
            error = caught
        print(line(f"BidiHello {quoted(NAMES)}", replies, error))

        names = [NAMES[0], ""] + NAMES[1:]
        reply = batch.SayHelloToAll(batch_pb2.HelloBatchRequest(requests=[pb.HelloRequest(name=n) for n in names]), timeout=5)
        items = [
            f"request {index + 1}: "
            + describe_status(r.error.code, status_code(r.error.code).name, r.error.message, r.error.details)
            for index, r in enumerate(reply.results)
            if r.WhichOneof("result") == "error"
        ]
        print(" · ".join([f"SayHelloToAll {quoted(names)}: OK (status 0)"] + items))


# ---- the server side: encode the same rules ----

def pack(message):
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail


def invalid_argument(message_type, violations):
    fields = ", ".join(field for field, _ in violations)
    bad = error_details_pb2.BadRequest(
        field_violations=[error_details_pb2.BadRequest.FieldViolation(field=f, description=d) for f, d in violations]
    )
    return status_pb2.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message=f"invalid {message_type} ({fields})", details=[pack(bad)])


def abort_with(context, status):
    # What grpcio-status's abort_with_status does: the Status, encoded, in the trailer.
    context.set_trailing_metadata(((DETAILS_KEY, status.SerializeToString()),))
    context.abort(status_code(status.code), status.message)


def name_violations(name):
    if name.strip() == "":
        return [("name", "must not be empty")]
    if len(name) > 100:
        return [("name", "must be at most 100 characters")]
    return []


class Greeter(pb_grpc.HelloWorldServiceServicer):
    def SayHello(self, request, context):
        violations = name_violations(request.name)
        if violations:
            abort_with(context, invalid_argument("HelloRequest", violations))
        return pb.HelloReply(message=f"Hello, {request.name}!")

    def LotsOfReplies(self, request, context):
        violations = name_violations(request.name)
        if not 0 <= request.reply_count <= 100:
            violations.append(("reply_count", "must be from 0 to 100"))
        if not 0 <= request.interval_ms <= 10000:
            violations.append(("interval_ms", "must be from 0 to 10000"))
        if violations:
            abort_with(context, invalid_argument("HelloRequest", violations))
        count = request.reply_count or 3
        for sequence in range(1, count + 1):
            yield pb.HelloReply(message=f"Hello, {request.name}! ({sequence} of {count})", sequence=sequence)

    def BidiHello(self, request_iterator, context):
        recent = []
        for sequence, request in enumerate(request_iterator, start=1):
            violations = name_violations(request.name)
            if violations:
                abort_with(context, invalid_argument("HelloRequest", violations))
            now = time.monotonic()
            recent = [sent for sent in recent if now - sent < 1]
            if len(recent) >= 3:
                retry = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=1))
                status = status_pb2.Status(
                    code=grpc.StatusCode.RESOURCE_EXHAUSTED.value[0], message="at most 3 greetings a second", details=[pack(retry)]
                )
                abort_with(context, status)
            recent.append(now)
            yield pb.HelloReply(message=f"Hello, {request.name}!", sequence=sequence)

    def LotsOfGreetings(self, request_iterator, context):
        raise RuntimeError("LotsOfGreetings is not written yet")


class Batch(batch_pb2_grpc.HelloBatchServiceServicer):
    def SayHelloToAll(self, request, context):
        results = []
        for item in request.requests:
            violations = name_violations(item.name)
            if violations:
                results.append(batch_pb2.HelloResult(error=invalid_argument("HelloRequest", violations)))
            else:
                results.append(batch_pb2.HelloResult(reply=pb.HelloReply(message=f"Hello, {item.name}!")))
        return batch_pb2.HelloBatchReply(results=results)


def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_HelloWorldServiceServicer_to_server(Greeter(), server)
    batch_pb2_grpc.add_HelloBatchServiceServicer_to_server(Batch(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"python server listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2] == "server":
        serve()
    else:
        run_client(sys.argv[3])

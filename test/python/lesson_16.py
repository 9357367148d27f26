"""Lesson 16 (health and reflection) from Python grpcio, for interop tests.
Debian's grpcio has no grpc_reflection or grpc_health packages: both sides of
the reflection protocol are written here from protos/reflection.proto, with
protobuf's own descriptor pool, independently of @grpc/reflection and
protobufjs.

    lesson_16.py GEN_DIR client TARGET NAME
        Check the health of "" and of HelloWorldService, then, by reflection
        alone: list the services, fetch the file that defines
        HelloWorldService (and any import missing), build HelloRequest from
        those descriptors and call SayHello with NAME. Also asks for a symbol
        the server does not have. Prints one line per answer.

    lesson_16.py GEN_DIR server
        Serve HelloFeedService (protos/feed.proto) and the reflection service,
        with the descriptors protoc compiled. A file is sent without its
        imports, as servers may: a client must ask for helloworld.proto by
        name. Prints `listening on 127.0.0.1:PORT`, then one line per
        reflection request.

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto,
feed.proto, health.proto and reflection.proto.
"""
import queue
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402
import feed_pb2  # noqa: E402
import feed_pb2_grpc  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402
import helloworld_pb2  # noqa: E402
import reflection_pb2  # noqa: E402
import reflection_pb2_grpc  # noqa: E402

HELLO_SERVICE = "rpc_package.HelloWorldService"


class Conversation:
    """One ServerReflectionInfo stream: each request gets one response, in order."""

    def __init__(self, stub):
        self._requests = queue.Queue()
        self._responses = stub.ServerReflectionInfo(iter(self._requests.get, None), timeout=10)

    def ask(self, **request):
        self._requests.put(reflection_pb2.ServerReflectionRequest(**request))
        return next(self._responses)

    def close(self):
        self._requests.put(None)
        for _ in self._responses:
            pass


def files_defining(conversation, symbol):
    """FileDescriptorProtos of the file defining `symbol` and of every file it imports."""
    files = {}

    def add(response):
        if response.HasField("error_response"):
            raise LookupError(response.error_response.error_message)
        for data in response.file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(data)
            files[file.name] = file

    add(conversation.ask(file_containing_symbol=symbol))
    while True:
        missing = {dep for file in files.values() for dep in file.dependency if dep not in files}
        if not missing:
            return files
        for name in sorted(missing):
            add(conversation.ask(file_by_filename=name))


def build_pool(files):
    """A descriptor pool of the files, each added after the files it imports."""
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dep in files[name].dependency:
            add(dep)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    return pool


def message_class(pool, descriptor):
    get = getattr(message_factory, "GetMessageClass", None)
    return get(descriptor) if get else message_factory.MessageFactory(pool).GetPrototype(descriptor)


def client(target, name):
    with grpc.insecure_channel(target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ["", HELLO_SERVICE]:
            reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            print(f'Check "{service}": {health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)}')

        conversation = Conversation(reflection_pb2_grpc.ServerReflectionStub(channel))
        listed = conversation.ask(list_services="*").list_services_response.service
        print("services: " + ", ".join(sorted(service.name for service in listed)))
        files = files_defining(conversation, HELLO_SERVICE)
        unknown = conversation.ask(file_containing_symbol="rpc_package.NoSuchThing").error_response
        codes = {code.value[0]: code.name for code in grpc.StatusCode}
        print(f"rpc_package.NoSuchThing: {codes[unknown.error_code]}")
        conversation.close()

        pool = build_pool(files)
        method = pool.FindServiceByName(HELLO_SERVICE).FindMethodByName("SayHello")
        request_class = message_class(pool, method.input_type)
        reply_class = message_class(pool, method.output_type)
        print(f"rpc SayHello ({method.input_type.full_name}) returns ({method.output_type.full_name})")
        print("fields of the request: " + ", ".join(f"{f.name} = {f.number}" for f in method.input_type.fields))
        say_hello = channel.unary_unary(
            f"/{HELLO_SERVICE}/SayHello",
            request_serializer=request_class.SerializeToString,
            response_deserializer=reply_class.FromString,
        )
        reply = say_hello(request_class(name=name), timeout=5)
        print(f"SayHello via reflection: {reply.message}")


class Feed(feed_pb2_grpc.HelloFeedServiceServicer):
    def Subscribe(self, request, context):
        count = request.reply_count or 5
        for sequence in range(request.resume_after + 1, count + 1):
            yield helloworld_pb2.HelloReply(
                message=f"Hello, {request.name or 'world'}! ({sequence} of {count})", sequence=sequence
            )


class Reflection(reflection_pb2_grpc.ServerReflectionServicer):
    SERVICES = ["rpc_package.HelloFeedService", "grpc.reflection.v1.ServerReflection"]

    def ServerReflectionInfo(self, request_iterator, context):
        pool = descriptor_pool.Default()
        for request in request_iterator:
            kind = request.WhichOneof("message_request")
            print(f"reflection: {kind} {getattr(request, kind)}", flush=True)
            response = reflection_pb2.ServerReflectionResponse(valid_host=request.host, original_request=request)
            try:
                if kind == "list_services":
                    for name in self.SERVICES:
                        response.list_services_response.service.add(name=name)
                elif kind == "file_containing_symbol":
                    file = pool.FindFileContainingSymbol(request.file_containing_symbol)
                    response.file_descriptor_response.file_descriptor_proto.append(file.serialized_pb)
                elif kind == "file_by_filename":
                    file = pool.FindFileByName(request.file_by_filename)
                    response.file_descriptor_response.file_descriptor_proto.append(file.serialized_pb)
                else:
                    response.error_response.error_code = grpc.StatusCode.UNIMPLEMENTED.value[0]
                    response.error_response.error_message = f"{kind} is not implemented"
            except KeyError as error:
                response.error_response.error_code = grpc.StatusCode.NOT_FOUND.value[0]
                response.error_response.error_message = str(error)
            yield response


def server():
    grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    feed_pb2_grpc.add_HelloFeedServiceServicer_to_server(Feed(), grpc_server)
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(Reflection(), grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    grpc_server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    grpc_server.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2] == "client":
        client(sys.argv[3], sys.argv[4])
    else:
        server()

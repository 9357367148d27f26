"""Lesson 12's peer in Python grpcio: a file in chunks, with a SHA-256 the other side checks.

    lesson_12.py GEN_DIR client TARGET
        Put 5 MiB in one message (the server's 4 MiB limit refuses it); Upload
        1 MiB in 64 KiB chunks, then the same compressed with gzip for that one
        call; Download 1 MiB and check its chunks and SHA-256. One line each.
    lesson_12.py GEN_DIR server
        serve FileService on a free port. Upload checks what it receives, as the
        lesson's server does; Download sends its chunks compressed with gzip,
        which a grpc-js server cannot do.

GEN_DIR holds the *_pb2*.py files generated from protos/files.proto.
"""
import hashlib
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import files_pb2 as pb  # noqa: E402
import files_pb2_grpc as pb_grpc  # noqa: E402

MIB = 1024 * 1024
CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 10


def text_file(name, size):
    """`size` bytes of text in 64 KiB chunks: not the lesson's text, so the hashes are Python's own."""
    line = 0
    for offset in range(0, size, CHUNK_BYTES):
        length = min(CHUNK_BYTES, size - offset)
        text = ""
        while len(text) < length:
            line += 1
            text += f"{name} line {line} from Python\n"
        yield text.encode()[:length]


def chunks_of(name, size, sent):
    """The upload: data chunks with their offsets, then the SHA-256 of all of them in a last chunk."""
    digest = hashlib.sha256()
    offset = 0
    for data in text_file(name, size):
        digest.update(data)
        yield pb.FileChunk(name=name if offset == 0 else "", offset=offset, data=data)
        offset += len(data)
    sent["sha256"] = digest.hexdigest()
    yield pb.FileChunk(offset=offset, sha256=sent["sha256"])


def received(chunks):
    """Checks offsets and the last chunk's SHA-256 against what arrived: (size, data chunks, matches)."""
    digest = hashlib.sha256()
    size = 0
    count = 0
    claimed = ""
    for chunk in chunks:
        if chunk.offset != size:
            raise SystemExit(f"chunk at offset {chunk.offset}, expected {size}")
        digest.update(chunk.data)
        size += len(chunk.data)
        count += 1 if chunk.data else 0
        claimed = chunk.sha256
    return size, count, claimed == digest.hexdigest()


def yes_no(matches):
    return "yes" if matches else "no"


def client(target):
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.FileServiceStub(channel)
        data = b"x" * (5 * MIB)
        try:
            stub.Put(pb.FileChunk(name="big.txt", data=data, sha256=hashlib.sha256(data).hexdigest()), timeout=TIMEOUT_S)
            print("Put: OK", flush=True)
        except grpc.RpcError as error:
            print(f"Put: {error.code().name} {error.details()}", flush=True)
        for label, compression in (("Upload", None), ("Upload gzip", grpc.Compression.Gzip)):
            sent = {}
            # grpcio compresses per call, which grpc-js cannot.
            summary = stub.Upload(chunks_of("py.txt", MIB, sent), timeout=TIMEOUT_S, compression=compression)
            matches = summary.sha256 == sent["sha256"]
            print(f"{label}: {summary.size} bytes in {summary.chunks} chunks, sha256 matches: {yes_no(matches)}", flush=True)
        size, count, matches = received(stub.Download(pb.FileRequest(name="py.txt", size=MIB), timeout=TIMEOUT_S))
        print(f"Download: {size} bytes in {count} chunks, sha256 matches: {yes_no(matches)}", flush=True)


class Files(pb_grpc.FileServiceServicer):
    def Upload(self, request_iterator, context):
        digest = hashlib.sha256()
        name, size, count, claimed = "", 0, 0, ""
        for chunk in request_iterator:
            if chunk.offset != size:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"chunk at offset {chunk.offset}, expected {size}")
            name = name or chunk.name
            digest.update(chunk.data)
            size += len(chunk.data)
            count += 1 if chunk.data else 0
            claimed = chunk.sha256
        sha256 = digest.hexdigest()
        print(f"Upload {name}: {size} bytes in {count} chunks, sha256 {'matches' if sha256 == claimed else 'DOES NOT MATCH'}", flush=True)
        if sha256 != claimed:
            context.abort(grpc.StatusCode.DATA_LOSS, f"{size} bytes received, sha256 {sha256}")
        return pb.FileSummary(name=name, size=size, chunks=count, sha256=sha256)

    def Download(self, request, context):
        # A Python server can compress what it sends, per call.
        context.set_compression(grpc.Compression.Gzip)
        sent = {}
        yield from chunks_of(request.name, request.size, sent)


def server():
    files = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_FileServiceServicer_to_server(Files(), files)
    port = files.add_insecure_port("127.0.0.1:0")
    files.start()
    print(f"python file service listening on 127.0.0.1:{port}", flush=True)
    files.wait_for_termination()


if __name__ == "__main__":
    if sys.argv[2] == "client":
        client(sys.argv[3])
    elif sys.argv[2] == "server":
        server()
    else:
        raise SystemExit(f"unknown mode {sys.argv[2]}")

"""Lesson 17 from Python grpcio: calls counted by the lesson server's metrics,
read back from the Prometheus that scrapes them.

    lesson_17.py GEN_DIR TARGET OK_CALLS FAILING_CALLS

Asks the server where its Prometheus is (GetMonitoringEndpoints), makes
OK_CALLS greetings and FAILING_CALLS with an empty name, waits for a scrape
that started after its last call, then prints what Prometheus counted for
SayHello, by status code, one line each ("OK 3"), and the job it asked about:
    job: helloworld
    OK 3
    INVALID_ARGUMENT 2

GEN_DIR holds the *_pb2*.py files generated from protos/helloworld.proto and
protos/monitoring.proto.
"""
import json
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import helloworld_pb2 as pb  # noqa: E402
import helloworld_pb2_grpc as pb_grpc  # noqa: E402
import monitoring_pb2  # noqa: E402
import monitoring_pb2_grpc  # noqa: E402

TIMEOUT_S = 5
SCRAPE_WAIT_S = 20


def query(prometheus_url, expression):
    url = f"{prometheus_url}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        body = json.load(response)
    if body["status"] != "success":
        raise RuntimeError(f"Prometheus refused {expression}: {body.get('error')}")
    return body["data"]["result"]


def main(target, ok_calls, failing_calls):
    with grpc.insecure_channel(target) as channel:
        endpoints = monitoring_pb2_grpc.MonitoringServiceStub(channel).GetMonitoringEndpoints(
            monitoring_pb2.MonitoringEndpointsRequest(), timeout=TIMEOUT_S
        )
        stub = pb_grpc.HelloWorldServiceStub(channel)
        for _ in range(ok_calls):
            stub.SayHello(pb.HelloRequest(name="Python"), timeout=TIMEOUT_S)
        for _ in range(failing_calls):
            try:
                stub.SayHello(pb.HelloRequest(name=""), timeout=TIMEOUT_S)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
                    raise
            else:
                raise RuntimeError("an empty name was greeted")
    last_call_ended = time.time()

    # Every sample of a scrape carries the time the scrape started.
    job = endpoints.job
    deadline = time.time() + SCRAPE_WAIT_S
    while True:
        result = query(endpoints.prometheus_url, f'max(timestamp(up{{job="{job}"}}))')
        if result and float(result[0]["value"][1]) > last_call_ended:
            break
        if time.time() > deadline:
            raise RuntimeError("Prometheus did not scrape the calls in time")
        time.sleep(0.2)

    print(f"job: {job}", flush=True)
    counted = query(
        endpoints.prometheus_url,
        f'sum by (grpc_code) (grpc_server_handled_total{{job="{job}",grpc_method="SayHello"}})',
    )
    for sample in sorted(counted, key=lambda sample: sample["metric"]["grpc_code"], reverse=True):
        print(f'{sample["metric"]["grpc_code"]} {sample["value"][1]}', flush=True)


if __name__ == "__main__":
    main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))

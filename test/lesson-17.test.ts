// Lesson 17: monitoring, judged where the numbers are made and where they end
// up: the server's own registry and its /metrics endpoint, the Prometheus the
// server program starts (asked through its HTTP API, not through the lesson's
// client), and the processes, ports and files left once the server has gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR } from '../src/proto.js';
import { listen, listenHttp, shutdown } from '../src/runtime/serve.js';
import {
  createMetricsServer,
  createMonitoring,
  createServer,
  type Monitoring,
} from '../lessons/17-monitoring/server.js';
import { runClient } from '../lessons/17-monitoring/client.js';
import {
  PYTHON,
  ROOT,
  deadlineIn,
  descendants,
  generatePythonCode,
  helloClient,
  isAlive,
  lesson,
  portIsFree,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnCli,
  spawnProcess,
  stopProcess,
  waitFor,
  type Spawned,
} from './helpers.js';

const BOUND = { timeout: 45_000 };
const SERVER = lesson('17').serverPath;
const SAY_HELLO = { grpc_type: 'unary', grpc_service: 'rpc_package.HelloWorldService', grpc_method: 'SayHello' };

/** Polls an async check until it returns a truthy value or the deadline passes. */
async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The values of one metric in a registry: each series' name, labels and value. */
async function valuesOf(monitoring: Monitoring, name: string) {
  const metric = monitoring.registry.getSingleMetric(name);
  assert.ok(metric, `no metric ${name}`);
  const { values } = (await metric.get()) as { values: { labels: object; value: number; metricName?: string }[] };
  return values.map(({ labels, value, metricName }) => ({
    name: metricName ?? name,
    labels: labels as Record<string, string | number>,
    value,
  }));
}

function say(client: ReturnType<typeof helloClient>, name: string, options: grpc.CallOptions = deadlineIn()) {
  return new Promise<grpc.status>((resolve) => {
    const call = client.SayHello({ name }, options, (error) => resolve(error ? error.code : grpc.status.OK));
    if (options.deadline === undefined) setTimeout(() => call.cancel(), 5);
  });
}

/** Where a command is on PATH, as the lesson's server looks for it. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

const prometheusMissing = onPath('prometheus') ? undefined : 'Prometheus is not installed (apt-get install prometheus)';
if (prometheusMissing) console.log(`# SKIPPING lesson 17's Prometheus tests: ${prometheusMissing}`);

/** What the server program printed once Prometheus was ready. */
interface StartedProgram extends Spawned {
  port: number;
  metricsUrl: string;
  prometheusUrl: string;
  dir: string;
}

const READY = /^listening on 127\.0\.0\.1:(\d+)\nmetrics on (\S+)\nPrometheus on (\S+), .*\(data in (\S+)\)$/m;

async function startProgram(): Promise<StartedProgram> {
  const spawned = spawnProcess(process.execPath, ['--import', 'tsx', SERVER, '--port', '0']);
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  const [, port, metricsUrl, prometheusUrl, dir] = await waitFor(
    () => {
      if (exited) throw new Error(`the server exited: ${spawned.stderr()}`);
      return READY.exec(spawned.stdout());
    },
    'the server and its Prometheus',
    30_000,
  );
  return { ...spawned, port: Number(port), metricsUrl, prometheusUrl, dir };
}

/** One PromQL instant query against Prometheus's HTTP API: each series' labels and value. */
async function query(
  prometheusUrl: string,
  expression: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const url = new URL('/api/v1/query', prometheusUrl);
  url.searchParams.set('query', expression);
  const body = (await (await fetch(url)).json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  assert.equal(body.status, 'success', expression);
  return body.data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
}

/** SayHello's calls by status code, as Prometheus has them. */
async function countsByCode(prometheusUrl: string): Promise<Record<string, number>> {
  const result = await query(prometheusUrl, 'sum by (grpc_code) (grpc_server_handled_total{grpc_method="SayHello"})');
  return Object.fromEntries(result.map(({ metric, value }) => [metric.grpc_code, value]));
}

/** The Prometheus process a server program started (its child), if it runs. */
function prometheusOf(pid: number): number | undefined {
  return descendants(pid).find((entry) => entry.args.includes('--storage.tsdb.path='))?.pid;
}

const portOf = (url: string) => Number(new URL(url).port);

// The parts run side by side: most of their time is Prometheus starting.
describe('lesson 17', { concurrency: true }, () => {
  describe('lesson 17: the interceptor counts every call as the server answered it', { concurrency: 1 }, () => {
    let monitoring: Monitoring;
    let server: grpc.Server;
    let metricsServer: HttpServer;
    let port = 0;
    let metricsPort = 0;
    before(async () => {
      monitoring = createMonitoring();
      server = createServer(undefined, monitoring);
      port = await listen(server, '127.0.0.1', 0);
      metricsServer = createMetricsServer(monitoring.registry);
      metricsPort = await listenHttp(metricsServer, '127.0.0.1', 0);
    });
    after(async () => {
      metricsServer.close();
      await shutdown(server, 500);
    });

    test(
      'OK, INVALID_ARGUMENT, a deadline grpc-js enforced by itself and a cancel: each counted once, by code, and timed',
      BOUND,
      async () => {
        const client = helloClient(port);
        try {
          const codes = [];
          for (const name of ['Ada', 'Grace', '', 'Linus', '']) codes.push(await say(client, name));
          // 5 ms is less than the handler's 30 ms of work: the server's own timer answers, below every interceptor.
          codes.push(await say(client, 'Late', { deadline: Date.now() + 5 }));
          // 15 more greetings make the next one the server's 20th, its slow one (300 ms): a
          // cancel sent 5 ms into it reaches the server long before the handler answers,
          // however busy the machine, where one of 30 ms might lose the race.
          for (let extra = 1; extra <= 15; extra++) codes.push(await say(client, `Extra ${extra}`));
          // No deadline: the client cancels after 5 ms, and the handler never answers in time.
          codes.push(await say(client, 'Gone', {}));
          assert.deepEqual(
            codes.map((code) => grpc.status[code]),
            [
              ...['OK', 'OK', 'INVALID_ARGUMENT', 'OK', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED'],
              ...Array(15).fill('OK'),
              'CANCELLED',
            ],
          );
          const handled = await eventually(async () => {
            const values = await valuesOf(monitoring, 'grpc_server_handled_total');
            return values.reduce((sum, { value }) => sum + value, 0) >= 22 && values;
          }, '22 calls counted');
          // Every series is SayHello's, one per status code.
          for (const { labels } of handled)
            assert.deepEqual({ ...labels, grpc_code: undefined }, { ...SAY_HELLO, grpc_code: undefined });
          assert.deepEqual(Object.fromEntries(handled.map(({ labels, value }) => [labels.grpc_code, value])), {
            OK: 18,
            INVALID_ARGUMENT: 2,
            DEADLINE_EXCEEDED: 1,
            CANCELLED: 1,
          });
          assert.deepEqual(
            (await valuesOf(monitoring, 'grpc_server_started_total')).map(({ labels, value }) => [labels, value]),
            [[SAY_HELLO, 22]],
          );
          // The histogram: 22 observations; the 18 greetings took the handler's 30 ms at least, over the 25 ms bound.
          const histogram = await valuesOf(monitoring, 'grpc_server_handling_seconds');
          const series = (name: string, le?: number) =>
            histogram.find(
              (entry) =>
                entry.name === `grpc_server_handling_seconds_${name}` && (le === undefined || entry.labels.le === le),
            )!.value;
          assert.equal(series('count'), 22);
          assert.ok(series('bucket', 0.025) <= 4, 'a greeting counted under 25 ms');
          assert.ok(series('sum') >= 18 * 0.03);
        } finally {
          client.close();
        }
      },
    );

    test('GET /metrics serves the same numbers in the text format Prometheus reads; any other path is 404', async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const labels = 'grpc_type="unary",grpc_service="rpc_package.HelloWorldService",grpc_method="SayHello"';
      assert.match(text, /^# TYPE grpc_server_handled_total counter$/m);
      assert.match(text, new RegExp(`^grpc_server_handled_total\\{${labels},grpc_code="OK"\\} 18$`, 'm'));
      assert.match(text, new RegExp(`^grpc_server_handled_total\\{${labels},grpc_code="INVALID_ARGUMENT"\\} 2$`, 'm'));
      assert.match(text, new RegExp(`^grpc_server_handling_seconds_count\\{${labels}\\} 22$`, 'm'));
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/`)).status, 404);
    });
  });

  describe(
    'lesson 17: the server program and its Prometheus',
    { skip: skipWhenMissing(prometheusMissing), concurrency: 1 },
    () => {
      let program: StartedProgram;
      let prometheusPid: number | undefined;
      before(async () => {
        program = await startProgram();
        prometheusPid = prometheusOf(program.child.pid!);
      });
      after(async () => {
        await stopProcess(program);
        if (prometheusPid && isAlive(prometheusPid)) process.kill(prometheusPid, 'SIGKILL');
      });

      test(
        "the lesson client's calls are what Prometheus scraped from /metrics, and its error ratio is 5 of 25",
        BOUND,
        async () => {
          assert.ok(prometheusPid, 'a Prometheus process under the server');
          const printed: string[] = [];
          const log = console.log;
          console.log = (line: string) => printed.push(line);
          try {
            await runClient({ target: `127.0.0.1:${program.port}` });
          } finally {
            console.log = log;
          }
          assert.deepEqual(printed, lesson('17').output);
          // Asked here, not through the lesson's client: Prometheus scrapes our /metrics, and it is up.
          const targets = (await (await fetch(`${program.prometheusUrl}/api/v1/targets`)).json()) as {
            data: { activeTargets: { scrapeUrl: string; health: string; labels: { job: string } }[] };
          };
          assert.deepEqual(
            targets.data.activeTargets.map(({ scrapeUrl, health, labels }) => [scrapeUrl, health, labels.job]),
            [[program.metricsUrl, 'up', 'helloworld']],
          );
          assert.deepEqual(await countsByCode(program.prometheusUrl), { OK: 20, INVALID_ARGUMENT: 5 });
          const [ratio] = await query(
            program.prometheusUrl,
            'sum(grpc_server_handled_total{grpc_method="SayHello",grpc_code!="OK"}) / sum(grpc_server_handled_total{grpc_method="SayHello"})',
          );
          assert.equal(ratio.value, 0.2);
          // And the server's own numbers, read from its /metrics now, are the same.
          const text = await (await fetch(program.metricsUrl)).text();
          assert.match(text, /grpc_method="SayHello",grpc_code="OK"\} 20$/m);
          assert.match(text, /grpc_method="SayHello",grpc_code="INVALID_ARGUMENT"\} 5$/m);
        },
      );

      const pythonMissing = pythonGrpcMissing();
      if (pythonMissing) console.log(`# SKIPPING lesson 17's Python interop test: ${pythonMissing}`);

      test(
        "a Python grpcio client's calls are counted by the same metrics and reach Prometheus with their codes",
        { ...BOUND, skip: skipWhenMissing(pythonMissing) },
        async () => {
          const genDir = mkdtempSync(join(tmpdir(), 'lesson-17-py-'));
          try {
            generatePythonCode(
              genDir,
              ['helloworld.proto', 'monitoring.proto'].map((file) => join(PROTO_DIR, file)),
            );
            const python = spawnProcess(PYTHON, [
              join(ROOT, 'test/python/lesson_17.py'),
              genDir,
              `127.0.0.1:${program.port}`,
              '3',
              '2',
            ]);
            const { code } = await python.exited;
            assert.equal(code, 0, python.stderr());
            // On top of the lesson client's 20 and 5.
            assert.deepEqual(python.stdout().trim().split('\n'), ['job: helloworld', 'OK 23', 'INVALID_ARGUMENT 7']);
            assert.deepEqual(await countsByCode(program.prometheusUrl), { OK: 23, INVALID_ARGUMENT: 7 });
          } finally {
            rmSync(genDir, { recursive: true, force: true });
          }
        },
      );

      test(
        'SIGTERM: the server exits 0, Prometheus is gone, its folder removed, and no port is left bound',
        BOUND,
        async () => {
          assert.ok(prometheusPid && isAlive(prometheusPid), 'Prometheus is running');
          assert.ok(existsSync(program.dir));
          program.child.kill('SIGTERM');
          assert.deepEqual(await program.exited, { code: 0, signal: null });
          assert.match(program.stdout(), /^SIGTERM: shutting down$/m);
          assert.equal(isAlive(prometheusPid), false, 'Prometheus outlived the server');
          assert.equal(existsSync(program.dir), false, `${program.dir} is still there`);
          for (const port of [program.port, portOf(program.metricsUrl), portOf(program.prometheusUrl)])
            assert.ok(await portIsFree(port), `port ${port} is still bound`);
        },
      );
    },
  );

  describe(
    'lesson 17: nothing outlives the lesson',
    { skip: skipWhenMissing(prometheusMissing), concurrency: true },
    () => {
      test(
        'SIGHUP (its terminal closed): the server stops as on Ctrl-C, and Prometheus and its folder go',
        BOUND,
        async () => {
          const program = await startProgram();
          const prometheusPid = prometheusOf(program.child.pid!);
          try {
            assert.ok(prometheusPid);
            program.child.kill('SIGHUP');
            assert.deepEqual(await program.exited, { code: 0, signal: null });
            assert.match(program.stdout(), /^SIGHUP: shutting down$/m);
            assert.equal(isAlive(prometheusPid), false, 'Prometheus outlived the server');
            assert.equal(existsSync(program.dir), false, `${program.dir} is still there`);
          } finally {
            if (prometheusPid && isAlive(prometheusPid)) process.kill(prometheusPid, 'SIGKILL');
            await stopProcess(program);
          }
        },
      );

      test('a server killed outright (SIGKILL) takes Prometheus with it', BOUND, async () => {
        const program = await startProgram();
        const prometheusPid = prometheusOf(program.child.pid!);
        try {
          assert.ok(prometheusPid);
          program.child.kill('SIGKILL');
          await program.exited;
          // The kernel's parent-death signal: no code of the server's ran.
          await waitFor(() => !isAlive(prometheusPid), 'Prometheus to exit', 15_000);
          assert.ok(await portIsFree(portOf(program.prometheusUrl)));
        } finally {
          if (prometheusPid && isAlive(prometheusPid)) process.kill(prometheusPid, 'SIGKILL');
          // The one thing a SIGKILLed server leaves: its folder, which the next server on its port replaces.
          rmSync(program.dir, { recursive: true, force: true });
        }
      });

      test(
        'the lesson runner killed outright (SIGKILL): server, client and Prometheus exit on their own, the folder goes, the ports are free',
        BOUND,
        async () => {
          const run = spawnCli('lesson', ['17'], { CI: 'true' });
          let pids: number[] = [];
          try {
            const [, port, metricsUrl, prometheusUrl, dir] = await waitFor(
              () =>
                /server │ listening on 127\.0\.0\.1:(\d+)\nserver │ metrics on (\S+)\nserver │ Prometheus on (\S+), .*\(data in (\S+)\)/.exec(
                  run.stdout(),
                ),
              'the server and its Prometheus',
              30_000,
            );
            const server = descendants(run.child.pid!).find((entry) => entry.args.includes('17-monitoring/server.ts'));
            assert.ok(server, 'the lesson server');
            const prometheusPid = prometheusOf(server.pid);
            assert.ok(prometheusPid, 'its Prometheus');
            pids = [server.pid, prometheusPid];
            process.kill(run.child.pid!, 'SIGKILL');
            await waitFor(() => pids.every((pid) => !isAlive(pid)), `processes ${pids.join(', ')} to exit`, 15_000);
            assert.equal(existsSync(dir), false, `${dir} is still there`);
            for (const free of [Number(port), portOf(metricsUrl), portOf(prometheusUrl)])
              assert.ok(await portIsFree(free), `port ${free} is still bound`);
          } finally {
            for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
            await stopProcess(run);
          }
        },
      );
    },
  );

  test(
    'without Prometheus on PATH the server says which package to install, in one line, and exits 2',
    BOUND,
    async () => {
      const server = spawnProcess(process.execPath, ['--import', 'tsx', SERVER, '--port', '0'], {
        PATH: '/nonexistent',
      });
      assert.deepEqual(await server.exited, { code: 2, signal: null });
      assert.equal(server.stderr(), 'error: this lesson needs Prometheus: apt-get install prometheus\n');
      assert.equal(server.stdout(), '');
    },
  );
});

// Lesson 05's exercise: SendReport over gRPC, answering what the same server's
// REST endpoint answers. The checks send random reports both ways, gRPC as any
// client would and REST as a JSON POST to the port the server printed.
import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { loadReport } from '../../proto.js';
import type { Reading } from '../../generated/rpc_package/Reading.js';
import type { Report } from '../../generated/rpc_package/Report.js';
import type { ReportSummary__Output } from '../../generated/rpc_package/ReportSummary.js';
import {
  describeStatus,
  eventually,
  fail,
  serverExercise,
  show,
  unary,
  type LessonChecks,
  randomName,
} from '../kit.js';

interface Summary {
  message: string;
  readings: number;
  mean: number;
}

/** A report of `count` readings; values are quarters, so that sums are exact in any order. */
function randomReport(count: number): Report & { readings: Reading[] } {
  return {
    name: randomName('Ada'),
    readings: Array.from({ length: count }, (_, index) => ({
      sensor_id: index,
      timestamp_ms: String(Date.now() + index),
      value: Math.round(Math.random() * 400 - 100) / 4,
      ok: true,
      unit: 'C',
    })),
  };
}

/** What the lesson's REST endpoint answers for a report. */
function expectedSummary(report: Report & { readings: Reading[] }): Summary {
  const values = report.readings.map((reading) => reading.value as number);
  const mean = values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
  return { message: `Thanks, ${report.name}`, readings: values.length, mean };
}

/** JSON would show a NaN mean as null: say it as it is. */
const showSummary = ({ message, readings, mean }: Summary) =>
  `{message: ${show(message)}, readings: ${readings}, mean: ${mean}}`;

const sameSummary = (a: Summary, b: Summary) =>
  a.message === b.message && a.readings === b.readings && Math.abs(a.mean - b.mean) < 1e-9;

async function sendReport(target: string, report: Report): Promise<Summary> {
  const client = new (loadReport().rpc_package.ReportService)(target, grpc.credentials.createInsecure());
  try {
    const { reply, error } = await unary<Report, ReportSummary__Output>(client.SendReport.bind(client), report);
    if (error || !reply) return fail('a ReportSummary from SendReport', describeStatus(error));
    return { message: reply.message, readings: reply.readings, mean: reply.mean };
  } finally {
    client.close();
  }
}

/** The REST port the server printed: "listening on 127.0.0.1:N (REST, …)". */
async function restPort(serverOutput: () => string[]): Promise<number> {
  const find = () =>
    serverOutput()
      .map((line) => /^listening on .*:(\d+) \(REST/.exec(line)?.[1])
      .find(Boolean);
  await eventually(
    () => find() !== undefined,
    'a line "listening on …:PORT (REST, …)" from the server',
    () => `none; it printed ${show(serverOutput().slice(-3))}`,
    2_000,
  );
  return Number(find());
}

function postJson(port: number, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const json = JSON.stringify(body);
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) },
        signal: AbortSignal.timeout(5_000),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(json);
  });
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'SendReport answers the summary of a report',
        async run({ target }) {
          const report = randomReport(2 + Math.floor(Math.random() * 5));
          const expected = expectedSummary(report);
          const got = await sendReport(target, report);
          if (!sameSummary(expected, got)) fail(`the summary ${showSummary(expected)}`, showSummary(got));
        },
      },
      {
        name: 'SendReport and POST /v1/reports agree',
        async run({ target, serverOutput }) {
          const report = randomReport(3 + Math.floor(Math.random() * 5));
          const port = await restPort(serverOutput);
          const rest = await postJson(port, '/v1/reports', report);
          if (rest.status !== 200) fail('REST to answer 200', `HTTP ${rest.status}: ${show(rest.body)}`);
          const got = await sendReport(target, report);
          if (!sameSummary(rest.body as Summary, got))
            fail(`gRPC to answer what REST answered, ${showSummary(rest.body as Summary)}`, showSummary(got));
        },
      },
      {
        name: 'a report with no readings: 0 readings, mean 0',
        async run({ target }) {
          const report = randomReport(0);
          const expected = expectedSummary(report);
          const got = await sendReport(target, report);
          if (!sameSummary(expected, got)) fail(`the summary ${showSummary(expected)}`, showSummary(got));
        },
      },
    ],
  }),
};

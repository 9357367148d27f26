// Lesson 05's comparison with bigger counts: the lesson's own server, run as
// `npm run server` runs it, called through the lesson's own client code.
import { pathToFileURL } from 'node:url';
import { findLesson } from '../lessons.js';
import { LessonSession } from '../runner/session.js';
import {
  BENCH_RUN,
  LESSON_RUN,
  compareRestAndGrpc,
  contractChecks,
  formatComparison,
  formatContract,
  type Comparison,
  type ContractCase,
  type Connect,
} from '../compare/measure.js';

export interface RestVsGrpcResult {
  comparison: Comparison;
  contract: ContractCase[];
}

export async function measureRestVsGrpc({ quick = false } = {}): Promise<RestVsGrpcResult> {
  const lesson = findLesson('05')!;
  const { connect } = (await import(pathToFileURL(lesson.clientPath).href)) as { connect: Connect };
  const session = new LessonSession(lesson);
  try {
    const port = await session.startServer();
    const targets = { grpc: `127.0.0.1:${port}`, rest: `127.0.0.1:${session.restPort}` };
    const comparison = await compareRestAndGrpc(connect, targets, quick ? LESSON_RUN : BENCH_RUN);
    return { comparison, contract: await contractChecks(targets) };
  } finally {
    await session.stop();
  }
}

export function printRestVsGrpc(result: RestVsGrpcResult, log: (line: string) => void): void {
  for (const line of formatComparison(result.comparison)) log(`  ${line}`);
  log('');
  for (const line of formatContract(result.contract)) log(`  ${line}`);
}

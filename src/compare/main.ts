// Lesson 05's client program under the lesson UI and `npm run client -- 5`:
// the lesson's own calls once, then the same calls measured side by side.
// The measuring lives here; the lesson's client.ts only knows how to call.
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { nextPortAddress } from '../address.js';
import { connect, runClient } from '../../lessons/05-grpc-vs-rest/client.js';
import { LESSON_RUN, compareRestAndGrpc, contractChecks, formatComparison, formatContract } from './measure.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: '127.0.0.1:50051' },
    'rest-target': { type: 'string' },
    name: { type: 'string', multiple: true },
  },
});
const targets = { grpc: values.target, rest: values['rest-target'] ?? nextPortAddress(values.target) ?? values.target };

try {
  await runClient({ target: targets.grpc, restTarget: targets.rest, names: values.name });
  console.log('');
  for (const line of formatComparison(await compareRestAndGrpc(connect, targets, LESSON_RUN))) console.log(line);
  console.log('');
  for (const line of formatContract(await contractChecks(targets))) console.log(line);
} catch (error) {
  const { code, details, message } = error as grpc.ServiceError;
  console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
  process.exitCode = 1;
}

import * as grpc from '@grpc/grpc-js';

/** grpc-js writes its own warnings through console.error; keep only errors, unless GRPC_VERBOSITY says otherwise. */
export function quietGrpcLogs(): void {
  if (!process.env.GRPC_VERBOSITY) grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
}

import * as grpc from '@grpc/grpc-js';

/**
 * grpc-js writes its own diagnostics through console.error; the commands report
 * every failure themselves in one line, so keep grpc-js quiet unless the user
 * asks for its logs with GRPC_VERBOSITY (and GRPC_TRACE).
 */
export function quietGrpcLogs(): void {
  if (!process.env.GRPC_VERBOSITY) grpc.setLogVerbosity(grpc.logVerbosity.NONE);
}

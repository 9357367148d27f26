// Where the project's files are, for modules that must not pull in grpc-js to know it.
import { fileURLToPath } from 'node:url';

export const PROTO_DIR = fileURLToPath(new URL('../protos/', import.meta.url));
/** The project's folder: paths shown to the learner are relative to it. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

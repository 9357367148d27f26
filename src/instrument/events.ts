// What the lesson runner learns about a lesson's calls. Plain data, so it can
// cross a process boundary (the lesson client runs in its own process).

export type RpcKind = 'unary' | 'server-streaming' | 'client-streaming' | 'bidi-streaming';
export type Direction = 'client->server' | 'server->client';

export type WireEvent =
  | { type: 'call'; call: number; method: string; kind: RpcKind; at: number }
  | {
      type: 'message';
      call: number;
      /** Milliseconds since the call started. */
      ms: number;
      direction: Direction;
      /** The message's protobuf size, decoded: what the application sent or received, before compression. */
      size: number;
      /**
       * Bytes the message took in the HTTP/2 DATA stream: the 5-byte gRPC
       * prefix and the payload as sent, compressed when `compressed` is set.
       */
      wireSize: number;
      /** The prefix's compressed flag: the payload was compressed with `encoding`. */
      compressed: boolean;
      /** The grpc-encoding header of this direction of the call (request or response headers), when there was one. */
      encoding?: string;
      /**
       * Content as JSON, cut short. Left out when `bytes` are kept: it can be
       * decoded from them when shown.
       */
      preview?: string;
      /** The protobuf bytes (decoded, never compressed), base64, when small enough to keep. */
      bytes?: string;
    }
  | { type: 'half-close'; call: number; ms: number }
  | {
      type: 'headers';
      call: number;
      ms: number;
      direction: Direction;
      /** Request headers, response headers, trailers, or a trailers-only response (headers that end the call). */
      kind: HeaderKind;
      headers: HeaderPair[];
      /**
       * Request headers: the address at the other end of the HTTP/2
       * connection the call went on ("127.0.0.1:43405", "[::1]:43405", or
       * "unix socket"), which is the backend that serves it when a channel
       * balances over several.
       */
      peer?: string;
      /** Request headers: the connection the call went on (see 'transport'). */
      connection?: number;
    }
  /**
   * A connection, reported once, on the first call that goes out on it: TLS
   * and what its handshake agreed, or plaintext HTTP/2 (h2c) without `tls`.
   */
  | {
      type: 'transport';
      call: number;
      ms: number;
      /** Connections numbered in the order the client process opened them; request headers name theirs. */
      connection: number;
      /** The address at the other end, as on request headers. */
      peer: string;
      tls?: TlsSummary;
    }
  /** The channel's connection setup, reported on the call that started it: IDLE, CONNECTING, READY... */
  | { type: 'connectivity'; call: number; ms: number; state: string }
  | {
      type: 'status';
      call: number;
      ms: number;
      code: number;
      codeName: string;
      details: string;
      /** A call on a TLS connection: the bytes that went in and out of TLS on it while the call was open. */
      tlsBytes?: TlsBytes;
    }
  /**
   * A fault the learner injected from the lesson UI, on the call it hit; the
   * status it causes follows as the call's own. Without a call (none was in
   * flight), `ms` counts from the start of the client process.
   */
  | { type: 'fault'; call?: number; ms: number; fault: FaultKind; detail: string };

/**
 * cancel: the calls in flight are cancelled; deadline: a deadline from the UI
 * on a call; pause / resume: the client stops / starts again reading replies;
 * kill-server: the server was killed (SIGKILL) while the call was in flight.
 */
export type FaultKind = 'cancel' | 'deadline' | 'pause' | 'resume' | 'kill-server';

/** What a TLS handshake agreed, as the client's TLS socket reports it. */
export interface TlsSummary {
  /** tlsSocket.getProtocol(): "TLSv1.3". */
  protocol: string;
  /** The cipher suite's standard name: "TLS_AES_256_GCM_SHA384". */
  cipher: string;
  /** The application protocol both sides agreed in the handshake (ALPN): "h2" for HTTP/2. */
  alpn?: string;
  /** The certificate the server showed. */
  server?: CertificateSummary;
  /** The certificate the client holds for mTLS: TLS sends it only when the server asks for one. */
  client?: CertificateSummary;
}

export interface CertificateSummary {
  /** Distinguished names: "CN=localhost", "CN=lesson 15 CA". */
  subject: string;
  issuer: string;
  validTo?: string;
  fingerprint256?: string;
}

/**
 * Bytes on a TLS connection over some time, counted by Node on both sides of
 * TLS: what HTTP/2 handed TLS to send and the bytes TLS wrote to TCP for it,
 * and the same for what arrived.
 */
export interface TlsBytes {
  sent: number;
  sentOnTcp: number;
  received: number;
  receivedOnTcp: number;
}

export type HeaderKind = 'request' | 'response' | 'trailers' | 'trailers-only';
export type HeaderPair = [name: string, value: string];

export type MessageEvent = Extract<WireEvent, { type: 'message' }>;

/** Messages up to this size (decoded) keep their bytes for the wire view; larger ones their size and a preview. */
export const CAPTURE_BYTES = 16 * 1024;

/** Bytes a message occupies in the HTTP/2 DATA stream: the 5-byte gRPC prefix plus its encoding. */
export const GRPC_MESSAGE_PREFIX_BYTES = 5;

export function rpcKindOf(method: { requestStream: boolean; responseStream: boolean }): RpcKind {
  if (method.requestStream) return method.responseStream ? 'bidi-streaming' : 'client-streaming';
  return method.responseStream ? 'server-streaming' : 'unary';
}

/** The peer of a connection over a unix socket, which has no address to give. */
export const UNIX_SOCKET_PEER = 'unix socket';

// The words the tutorial prints around a lesson's own output, in each
// language: one catalog per language, the same keys in both (the type says
// so, and a test too). Program output, protocol names (headers, trailers,
// status codes) and command-line errors stay as they are: they are grepped.
import type { RpcKind } from '../instrument/events.js';
import type { Language } from './lang.js';
import { sayKnown, serverZh, type Sayings } from './sayings.js';
import { UI_WORDS, type UiWords } from './ui-words.js';
import { KEY_WORDS, type KeyWords } from './key-words.js';
import { WIRE_WORDS, type WireWords } from './wire-words.js';
import { EXERCISE_WORDS, type ExerciseWords } from './exercise-words.js';

export interface Catalog {
  /** "lesson 01  Hello, gRPC: a unary call" */
  lessonHeading(number: string, title: string): string;
  /** A client's run starting: "run 1 with --name Ada" */
  run(run: number, names: readonly string[] | undefined): string;
  /** "exited with code 0", "exited with signal SIGTERM" */
  exited(code: number | null, signal: string | null): string;
  timelineHeading: string;
  moreEvents(count: number): string;
  kind: Record<RpcKind, string>;
  /** "call 1: /rpc_package.HelloWorldService/SayHello (unary)" */
  call(call: number, method: string, kind: string): string;
  halfClosed: string;
  channel(state: string): string;
  status(code: string, details: string): string;
  fault(label: string, detail: string): string;
  /**
   * What a fault row says happened, as the wire tap wrote it (English): the
   * Chinese catalog says the ones it knows in Chinese.
   */
  faultDetail(detail: string): string;
  errorDetails: string;
  plaintext: string;
  /** A transcript row's direction: "client → server". */
  direction: Record<'client->server' | 'server->client', string>;
  /** Where a call went through a proxy: "b via 127.0.0.1:50060". */
  via(label: string, peer: string): string;
  /** The peer of a call whose connection is a unix socket (it has no address). */
  unixSocket: string;
  /** A TLS connection's row: "server cert CN=localhost, issuer CN=lesson 15 CA". */
  serverCert(subject: string, issuer: string): string;
  noServerCert: string;
  lessonsHeading: string;
  /** The live UI's own words. */
  ui: UiWords;
  keys: KeyWords;
  wire: WireWords;
  exercise: ExerciseWords;
}

const en: Catalog = {
  lessonHeading: (number, title) => `lesson ${number}  ${title}`,
  run: (run, names) => `run ${run}${names?.length ? ` with --name ${names.join(' --name ')}` : ''}`,
  exited: (code, signal) => `exited with ${signal ? `signal ${signal}` : `code ${code}`}`,
  timelineHeading: 'timeline (message sizes include the 5-byte gRPC prefix)',
  moreEvents: (count) => `… ${count} more events not shown (the terminal UI shows the latest)`,
  kind: {
    unary: 'unary',
    'server-streaming': 'server-streaming',
    'client-streaming': 'client-streaming',
    'bidi-streaming': 'bidi-streaming',
  },
  call: (call, method, kind) => `call ${call}: ${method} (${kind})`,
  halfClosed: 'client half-closed (no more requests)',
  channel: (state) => `channel ${state}`,
  status: (code, details) => `status ${code}${details ? `: ${details}` : ''}`,
  fault: (label, detail) => `fault ${label}: ${detail}`,
  faultDetail: (detail) => detail,
  errorDetails: 'error details:',
  plaintext: 'plaintext h2c (no TLS): anyone on the path reads these bytes',
  direction: { 'client->server': 'client → server', 'server->client': 'server → client' },
  via: (label, peer) => `${label} via ${peer}`,
  unixSocket: 'unix socket',
  serverCert: (subject, issuer) => `server cert ${subject}, issuer ${issuer}`,
  noServerCert: 'no server cert',
  lessonsHeading: 'Lessons (run one with npm run lesson -- <number>):',
  ui: UI_WORDS.en,
  keys: KEY_WORDS.en,
  wire: WIRE_WORDS.en,
  exercise: EXERCISE_WORDS.en,
};

/** "1200 ms" or "none", as the wire tap writes a lesson's own deadline. */
const lessonDeadlineZh = (text: string) => (text === 'none' ? '无' : text.replace(/ ms$/, ' 毫秒'));

// What the wire tap (src/instrument/wiretap.ts) writes in a fault row, and how Chinese says it.
const FAULT_DETAILS: Sayings = [
  [/^cancel: no call in flight$/, () => '取消：没有正在进行的调用'],
  [/^cancelled from the lesson UI$/, () => '在课程界面中取消'],
  [
    /^client stopped reading replies: once the HTTP\/2 window is full, the server's writes wait$/,
    () => '客户端停止读取应答：HTTP/2 窗口一满，服务端的写入就得等待',
  ],
  [/^client reads replies again$/, () => '客户端重新读取应答'],
  [/^client not reading replies \(paused from the lesson UI\)$/, () => '客户端没有读取应答（在课程界面中暂停）'],
  // One of several servers is named ("server b … on it"), the one server is not.
  [
    /^(server(?: \S+)?) killed \(SIGKILL\): no call in flight( on it)?$/,
    (name, onIt) => `${serverZh(name)}已被杀掉（SIGKILL）：${onIt ? '它上面' : ''}没有正在进行的调用`,
  ],
  [
    /^(server(?: \S+)?) killed \(SIGKILL\) while this call was in flight(?: on it)?$/,
    (name) => `${serverZh(name)}在这个调用进行中被杀掉（SIGKILL）`,
  ],
  [
    /^(server(?: \S+)?) killed \(SIGKILL\): no client running$/,
    (name) => `${serverZh(name)}已被杀掉（SIGKILL）：没有在运行的客户端`,
  ],
  [
    /^deadline (\d+) ms from the lesson UI; the lesson's own \((.+)\) is sooner and stays$/,
    (ms, own) => `课程界面设置的截止时间 ${ms} 毫秒；这一课自带的（${lessonDeadlineZh(own)}）更早，保持不变`,
  ],
  [
    /^deadline (\d+) ms from the lesson UI \(the lesson's own: (.+)\)$/,
    (ms, own) => `课程界面设置的截止时间 ${ms} 毫秒（这一课自带的：${lessonDeadlineZh(own)}）`,
  ],
];

function faultDetailZh(detail: string): string {
  // "…: no call in flight yet" follows any of them.
  const notYet = /^(.*): no call in flight yet$/.exec(detail);
  if (notYet) return `${faultDetailZh(notYet[1])}：还没有正在进行的调用`;
  return sayKnown(FAULT_DETAILS, detail);
}

const zhCN: Catalog = {
  lessonHeading: (number, title) => `第 ${number} 课  ${title}`,
  run: (run, names) => `第 ${run} 次运行${names?.length ? `，--name ${names.join(' --name ')}` : ''}`,
  exited: (code, signal) => (signal ? `已退出，信号 ${signal}` : `已退出，退出码 ${code}`),
  timelineHeading: 'timeline（消息大小包含 5 字节的 gRPC 前缀）',
  moreEvents: (count) => `… 还有 ${count} 个事件没有显示（终端 UI 显示最新的事件）`,
  kind: {
    unary: '一元调用',
    'server-streaming': '服务端流式',
    'client-streaming': '客户端流式',
    'bidi-streaming': '双向流',
  },
  call: (call, method, kind) => `调用 ${call}：${method}（${kind}）`,
  halfClosed: '客户端半关闭（不再发送请求）',
  channel: (state) => `通道 ${state}`,
  status: (code, details) => `状态 ${code}${details ? `：${details}` : ''}`,
  fault: (label, detail) => `故障 ${label}：${detail}`,
  faultDetail: (detail) => faultDetailZh(detail),
  errorDetails: '错误详情：',
  plaintext: '明文 h2c（没有 TLS）：路径上的任何人都能读到这些字节',
  direction: { 'client->server': '客户端 → 服务端', 'server->client': '服务端 → 客户端' },
  via: (label, peer) => `${label}，经由 ${peer}`,
  unixSocket: 'unix 套接字',
  serverCert: (subject, issuer) => `服务端证书 ${subject}，签发者 ${issuer}`,
  noServerCert: '没有服务端证书',
  lessonsHeading: '课程（用 npm run lesson -- <编号> 运行其中一课）：',
  ui: UI_WORDS['zh-CN'],
  keys: KEY_WORDS['zh-CN'],
  wire: WIRE_WORDS['zh-CN'],
  exercise: EXERCISE_WORDS['zh-CN'],
};

export const CATALOGS: Readonly<Record<Language, Catalog>> = { en, 'zh-CN': zhCN };

export function catalog(language: Language): Catalog {
  return CATALOGS[language];
}

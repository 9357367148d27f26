// The live UI's own words around a lesson: the lesson list, the header, the
// panes' titles, the lines the UI adds to the output panes, and its notices.
// Keys, the wire view and the exercise view have catalogs of their own.
import type { RpcKind } from '../instrument/events.js';
import type { Language } from './lang.js';
import { sayKnown, serverZh, type Sayings } from './sayings.js';

export interface UiWords {
  // The lesson list.
  pickerTitle: string;
  /** " (3 of 21 completed)" */
  pickerCompleted(done: number, total: number): string;
  pickerBlurb: string;
  /** "  1-12 of 21, up/down for more" */
  pickerRange(first: number, last: number, total: number): string;
  pickerKind: Record<RpcKind, string>;
  /** Between the items of a short list: ", ", "、". */
  listSeparator: string;
  /** " ex 1/2": exercises passed of the lesson's. */
  pickerExercises(passed: number, total: number): string;
  completedNote: string;

  // The header.
  namesPrompt: string;
  namesPromptHint: string;
  deadlinePrompt: string;
  deadlinePromptHint: string;
  linePromptHint(client: string): string;
  server: string;
  servers: string;
  client: string;
  deadline: string;
  names: string;
  /** A word of the header and the value after it: " · server " then the value. */
  headerLabel(word: string): string;
  milliseconds(ms: number): string;
  lessonsOwnNames: string;
  listening(port: number): string;
  serverExited(how: string): string;
  serverState: Record<'starting' | 'stopped', string>;
  /** "run 2 running", "run 2 not reading" */
  clientRunning(run: number, reading: boolean): string;
  clientExited(run: number, code: number | null, signal: string | null): string;
  clientIdle: string;
  /** How a process ended, in a word: "code 1", "SIGKILL". */
  exitCode(code: number | null): string;

  // Pane titles, and each of a lesson's several servers or clients in a word or two.
  paneTitle: Record<'text' | 'source' | 'server' | 'client' | 'timeline' | 'wire', string>;
  sourceTitle(shown: string, other: string): string;
  timelineKept(shown: number, total: number): string;
  timelineLegend: string;
  /** Under a lesson's several servers: how many calls of the latest run each served. */
  served(count: number): string;
  /** A pane's title says it follows new lines at the bottom. */
  following: string;
  listedServer: Record<'starting' | 'stopped' | 'killed', string>;
  listedExited(code: number | null, signal: string | null): string;
  listedClient: Record<'running' | 'paused' | 'not-started', string>;

  // Timeline rows the UI draws itself ("run 1 · call 2 SayHello unary").
  runCall(run: number, call: number): string;
  halfClose: string;
  status(code: string): string;
  /** After the status: ": the details". */
  statusDetails(details: string): string;
  fault(label: string): string;

  // Lines the UI writes in an output pane.
  runLine(run: number, names: string | undefined, deadlineMs: number | undefined, args: string | undefined): string;
  exitedLine(name: string, how: string): string;
  failedLine(name: string, why: string): string;
  exitedHow(code: number | null, signal: string | null): string;
  /** After an exit line: ": why it failed". */
  reason(why: string): string;
  serverName(label: string | undefined): string;

  // Notices.
  serverNotRunning: string;
  listedServerNotRunning(label: string): string;
  focusServerFirst: string;
  focusClientToLeave: string;
  focusClientToType: string;
  leaving(label: string): string;
  clientNotRunning(client: string): string;
  nothingToCancel(hint: string): string;
  nothingToPause(hint: string): string;
  runHint: string;
  runHintClients(label: string): string;
  progressNotSaved(problem: string): string;
  cannotWatch(path: string, why: string): string;
  serverSaved: string;
  clientSaved: string;
  noExercise(lesson: string): string;
  exerciseCount(count: number): string;
  verifyingAgain: string;
  /**
   * An error the lesson runner reported (in English, as the command line prints
   * it), as the UI shows it: the Chinese UI says the ones it knows in Chinese.
   */
  runnerError(message: string): string;
  /** Said when the language changes: in the new language. */
  languageNow: string;
}

const en: UiWords = {
  pickerTitle: 'gRPC, live: pick a lesson',
  pickerCompleted: (done, total) => ` (${done} of ${total} completed)`,
  pickerBlurb: 'Each lesson runs a real server and client on loopback and shows every message on the wire.',
  pickerRange: (first, last, total) => `  ${first}-${last} of ${total}, up/down for more`,
  listSeparator: ', ',
  pickerKind: {
    unary: 'unary',
    'server-streaming': 'server stream',
    'client-streaming': 'client stream',
    'bidi-streaming': 'bidi stream',
  },
  pickerExercises: (passed, total) => ` ex ${passed}/${total}`,
  completedNote: "✓ completed: the lesson's client ran and exited 0 here",

  namesPrompt: 'names › ',
  namesPromptHint: '  comma-separated · "" is an empty name · empty line: the lesson\'s own',
  deadlinePrompt: 'deadline › ',
  deadlinePromptHint: " ms for every call of the client's runs · empty line: the lesson's own",
  linePromptHint: (client) => `  enter writes the line to ${client}'s stdin · esc closes`,
  server: 'server',
  servers: 'servers',
  client: 'client',
  deadline: 'deadline',
  names: 'names',
  headerLabel: (word) => ` · ${word} `,
  milliseconds: (ms) => `${ms} ms`,
  lessonsOwnNames: "lesson's own",
  listening: (port) => `listening on 127.0.0.1:${port}`,
  serverExited: (how) => `exited (${how})`,
  serverState: { starting: 'starting', stopped: 'stopped' },
  clientRunning: (run, reading) => `run ${run} ${reading ? 'running' : 'not reading'}`,
  clientExited: (run, code, signal) => `run ${run} exited ${signal ?? code}`,
  clientIdle: 'idle',
  exitCode: (code) => `code ${code}`,

  paneTitle: {
    text: 'Lesson',
    source: 'Source',
    server: 'Server output',
    client: 'Client output',
    timeline: 'Timeline',
    wire: 'Wire view (w or esc to close)',
  },
  sourceTitle: (shown, other) => `Source: ${shown} (c: ${other})`,
  timelineKept: (shown, total) => ` last ${shown} of ${total} ·`,
  timelineLegend: '──▶ client to server  ◀── server to client',
  served: (count) => `${count} served`,
  following: 'follow',
  listedServer: { starting: 'starting', stopped: 'stopped', killed: 'killed' },
  listedExited: (code, signal) => `exited ${signal ?? code}`,
  listedClient: { running: 'running', paused: 'paused', 'not-started': 'not started' },

  runCall: (run, call) => `run ${run} · call ${call} `,
  halfClose: 'half-close',
  status: (code) => `status ${code}`,
  statusDetails: (details) => `: ${details}`,
  fault: (label) => `fault ${label}`,

  runLine: (run, names, deadlineMs, args) =>
    `── run ${run}${names ? ` (${names})` : ''}${deadlineMs === undefined ? '' : ` · deadline ${deadlineMs} ms`}${args ? ` · ${args}` : ''} ──`,
  exitedLine: (name, how) => `${name} exited with ${how}`,
  failedLine: (name, why) => `${name} failed: ${why}`,
  exitedHow: (code, signal) => (signal ? `signal ${signal}` : `code ${code}`),
  reason: (why) => `: ${why}`,
  serverName: (label) => (label === undefined ? 'server' : `server ${label}`),

  serverNotRunning: 'the server is not running: press s to start it',
  listedServerNotRunning: (label) => `server ${label} is not running: S starts it`,
  focusServerFirst: 'S stops or starts the focused server: Tab to a server pane first',
  focusClientToLeave: 'L makes the focused client leave or join: Tab to a client pane first',
  focusClientToType: 'e types a line for a client: Tab to a client pane first',
  leaving: (label) => `${label} is leaving: its stdin is closed`,
  clientNotRunning: (client) => `${client} is not running: L on its pane joins it again`,
  nothingToCancel: (hint) => `no run in flight to cancel: ${hint}`,
  nothingToPause: (hint) => `no run in flight to pause: ${hint}`,
  runHint: 'r runs the client',
  runHintClients: (label) => `L joins ${label}, r starts every client`,
  progressNotSaved: (problem) => `progress not saved (${problem})`,
  cannotWatch: (path, why) => `cannot watch ${path}: ${why}`,
  serverSaved: 'server.ts saved: restarting the server',
  clientSaved: 'client.ts saved: running the client',
  noExercise: (lesson) => `lesson ${lesson} has no exercise yet`,
  exerciseCount: (count) => `this lesson has ${count} exercise${count > 1 ? 's' : ''}`,
  verifyingAgain: 'verifying your file again',
  runnerError: (message) => message,
  languageNow: 'English (t: 中文)',
};

/** A name before a Chinese word: a space after Latin letters or digits (ada 已退出), none after Chinese (客户端已退出). */
const spaced = (name: string) => (/[\p{Script=Han}）」』】》]$/u.test(name) ? name : `${name} `);

// What the lesson runner (src/runner/session.ts) reports, and how the Chinese UI says it.
const RUNNER_ERRORS: Sayings = [
  [
    /^(server(?: \S+)?) did not start listening within (\d+) ms$/,
    (name, ms) => `${serverZh(name)}在 ${ms} 毫秒内没有开始监听`,
  ],
  [/^(server(?: \S+)?) exited with code (\S+)$/, (name, code) => `${serverZh(name)}已退出，退出码 ${code}`],
  [/^(server(?: \S+)?) already running$/, (name) => `${serverZh(name)}已经在运行`],
  [/^the server is not running$/, () => '服务端没有在运行'],
  [/^server (\S+) is not running$/, (label) => `服务端 ${label} 没有在运行`],
  [/^server (.+) has not started yet$/, (labels) => `服务端 ${labels} 还没有启动`],
];

const zhCN: UiWords = {
  pickerTitle: 'gRPC 实况：选一课',
  pickerCompleted: (done, total) => `（已完成 ${done}/${total}）`,
  pickerBlurb: '每一课都在本机回环地址上运行真实的服务端和客户端，并显示线路上的每条消息。',
  pickerRange: (first, last, total) => `  第 ${first}-${last} 课，共 ${total} 课，按上/下查看更多`,
  listSeparator: '、',
  pickerKind: {
    unary: '一元调用',
    'server-streaming': '服务端流式',
    'client-streaming': '客户端流式',
    'bidi-streaming': '双向流',
  },
  pickerExercises: (passed, total) => ` 练习 ${passed}/${total}`,
  completedNote: '✓ 表示已完成：那一课的客户端在本机运行过并以 0 退出',

  namesPrompt: '名字 › ',
  namesPromptHint: '  用逗号分隔 · "" 表示空名字 · 空行：用这一课自带的名字',
  deadlinePrompt: '截止时间 › ',
  deadlinePromptHint: ' 毫秒，用于客户端每次运行中的每个调用 · 空行：用这一课自带的设置',
  linePromptHint: (client) => `  enter 把这一行写入 ${client} 的 stdin · esc 关闭`,
  server: '服务端',
  servers: '服务端',
  client: '客户端',
  deadline: '截止时间',
  names: '名字',
  headerLabel: (word) => ` · ${word}：`,
  milliseconds: (ms) => `${ms} 毫秒`,
  lessonsOwnNames: '课程默认',
  listening: (port) => `正在监听 127.0.0.1:${port}`,
  serverExited: (how) => `已退出（${how}）`,
  serverState: { starting: '正在启动', stopped: '已停止' },
  clientRunning: (run, reading) => (reading ? `第 ${run} 次运行中` : `第 ${run} 次运行，暂停读取`),
  clientExited: (run, code, signal) => `第 ${run} 次运行已退出，${signal ? `信号 ${signal}` : `退出码 ${code}`}`,
  clientIdle: '空闲',
  exitCode: (code) => `退出码 ${code}`,

  paneTitle: {
    text: '课文',
    source: '源代码',
    server: '服务端输出',
    client: '客户端输出',
    timeline: '时间线',
    wire: '线路视图（w 或 esc 关闭）',
  },
  sourceTitle: (shown, other) => `源代码：${shown}（c：${other}）`,
  timelineKept: (shown, total) => ` 最近 ${shown} 条，共 ${total} 条 ·`,
  timelineLegend: '──▶ 客户端到服务端  ◀── 服务端到客户端',
  served: (count) => `处理 ${count} 次`,
  following: '跟随',
  listedServer: { starting: '正在启动', stopped: '已停止', killed: '已杀掉' },
  listedExited: (code, signal) => `已退出（${signal ?? `退出码 ${code}`}）`,
  listedClient: { running: '运行中', paused: '已暂停', 'not-started': '未启动' },

  runCall: (run, call) => `第 ${run} 次运行 · 调用 ${call} `,
  halfClose: '半关闭',
  status: (code) => `状态 ${code}`,
  statusDetails: (details) => `：${details}`,
  fault: (label) => `故障 ${label}`,

  runLine: (run, names, deadlineMs, args) =>
    `── 第 ${run} 次运行${names ? `（${names}）` : ''}${deadlineMs === undefined ? '' : ` · 截止时间 ${deadlineMs} 毫秒`}${args ? ` · ${args}` : ''} ──`,
  exitedLine: (name, how) => `${spaced(name)}已退出，${how}`,
  failedLine: (name, why) => `${spaced(name)}失败：${why}`,
  exitedHow: (code, signal) => (signal ? `信号 ${signal}` : `退出码 ${code}`),
  reason: (why) => `：${why}`,
  serverName: (label) => (label === undefined ? '服务端' : `服务端 ${label}`),

  serverNotRunning: '服务端没有在运行：按 s 启动它',
  listedServerNotRunning: (label) => `服务端 ${label} 没有在运行：按 S 启动它`,
  focusServerFirst: 'S 停止或启动获得焦点的服务端：先用 Tab 切到一个服务端窗格',
  focusClientToLeave: 'L 让获得焦点的客户端离开或加入：先用 Tab 切到一个客户端窗格',
  focusClientToType: 'e 为客户端输入一行：先用 Tab 切到一个客户端窗格',
  leaving: (label) => `${label} 正在离开：它的 stdin 已关闭`,
  clientNotRunning: (client) => `${client} 没有在运行：在它的窗格上按 L 让它重新加入`,
  nothingToCancel: (hint) => `没有正在进行的运行可以取消：${hint}`,
  nothingToPause: (hint) => `没有正在进行的运行可以暂停：${hint}`,
  runHint: 'r 运行客户端',
  runHintClients: (label) => `L 让 ${label} 加入，r 启动所有客户端`,
  progressNotSaved: (problem) => `进度没有保存（${problem}）`,
  cannotWatch: (path, why) => `无法监视 ${path}：${why}`,
  serverSaved: 'server.ts 已保存：正在重启服务端',
  clientSaved: 'client.ts 已保存：正在运行客户端',
  noExercise: (lesson) => `第 ${lesson} 课还没有练习`,
  exerciseCount: (count) => `这一课有 ${count} 个练习`,
  verifyingAgain: '正在重新验证你的文件',
  runnerError: (message) => sayKnown(RUNNER_ERRORS, message),
  languageNow: '中文（t：English）',
};

export const UI_WORDS: Readonly<Record<Language, UiWords>> = { en, 'zh-CN': zhCN };

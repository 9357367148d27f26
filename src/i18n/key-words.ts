// The live UI's words for the keys: footer hints, the help screen, its notes.
// The key tables (src/ui/keymap.ts) name each row's words; every name has its
// words here in each language, or the type check fails.
import type { BindingText, Mode } from '../ui/keymap.js';
import type { Language } from './lang.js';

export interface BindingWords {
  /** A word or two for the footer: keep it short, the footer drops what does not fit at 80 columns. */
  label: string;
  /** What the help screen says the keys do. */
  help: string;
}

export interface KeyWords {
  bindings: Record<BindingText, BindingWords>;
  /** The help's first section: the rows every screen shares. */
  everywhere: string;
  /** The help's section of each mode's own rows. */
  modeTitle: Record<Mode, string>;
  /** The help's section of an open lesson's switches (Lesson.switches). */
  switchesTitle: string;
  /** A switch's help, then what it does to the client's args. */
  switchHelp(help: string, args: string): string;
  /** The help pane's title. */
  helpTitle: string;
  /** The notes under the keys, one paragraph each. */
  notes: readonly string[];
  /** Said only in the help of a lesson that runs several clients. */
  clientsNotes: readonly string[];
  /** Said only in the help of a lesson that runs several servers. */
  serversNotes: readonly string[];
}

const en: KeyWords = {
  bindings: {
    quit: { label: 'quit', help: 'quit (stops every server and client)' },
    help: { label: 'help', help: 'show or hide this help' },
    // ASCII on purpose: the picker's first frame stays printable ASCII.
    language: { label: 'zh-CN', help: 'switch the UI between English and Chinese (中文)' },
    'page-up': { label: 'page up', help: 'scroll a page up' },
    'page-down': { label: 'page down', help: 'scroll a page down' },
    top: { label: 'top', help: 'scroll to the top' },
    bottom: { label: 'bottom', help: 'scroll to the bottom' },
    'prompt-clear': { label: 'clear', help: 'clear the line' },
    'prompt-delete': { label: 'delete', help: 'delete the last character' },

    open: { label: 'open', help: 'open the lesson' },
    'open-number': { label: 'lesson', help: 'open the lesson with that number (type both digits of 10 and up)' },
    'picker-up': { label: 'up', help: 'previous lesson in the list' },
    'picker-down': { label: 'down', help: 'next lesson in the list' },

    run: { label: 'run', help: 'run the client again' },
    names: { label: 'names', help: 'edit the names the client sends' },
    cancel: {
      label: 'cancel',
      help: 'cancel the calls in flight (the client gets CANCELLED; the server sees it)',
    },
    deadline: {
      label: 'deadline',
      help: "set a deadline in ms for each call and run the client (empty: the lesson's own)",
    },
    kill: { label: 'kill', help: 'kill the server (SIGKILL) in the middle of a call, then start it again' },
    pause: {
      label: 'pause',
      help: "pause the client's reading of replies (backpressure); press again to resume",
    },
    exercise: {
      label: 'exercise',
      help: "open the lesson's exercise: your copy of a lesson file, verified on every save",
    },
    wire: { label: 'wire', help: 'open the wire view of the selected timeline row (a message or headers)' },
    source: { label: 'source', help: 'switch the source between server.ts and client.ts' },
    restart: { label: 'restart', help: 'restart the server' },
    next: { label: 'next', help: 'next lesson' },
    prev: { label: 'prev', help: 'previous lesson' },
    focus: { label: 'focus', help: 'focus the next pane' },
    zoom: { label: 'zoom', help: 'maximize the focused pane, or show every pane again' },
    'focus-back': { label: 'focus back', help: 'focus the previous pane' },
    lessons: { label: 'lessons', help: 'back to the lesson list' },
    'pane-up': { label: 'up', help: 'scroll the focused pane up (timeline: select the previous message)' },
    'pane-down': { label: 'down', help: 'scroll the focused pane down (timeline: select the next message)' },
    follow: { label: 'follow', help: 'scroll to the bottom and follow new lines' },

    'clients-run': { label: 'run', help: 'start every client again, each its own process with its own pane' },
    'clients-say': { label: 'say', help: "type a line for the focused client's stdin (Tab to a client pane first)" },
    'clients-leave': {
      label: 'leave',
      help: 'the focused client leaves: its stdin ends, so it half-closes its calls (stopped if still running after 2 s); if it has left, it joins again',
    },
    'clients-cancel': {
      label: 'cancel',
      help: 'cancel the calls in flight of the focused client, or of every client if no client pane is focused',
    },
    'clients-deadline': {
      label: 'deadline',
      help: "set a deadline in ms for each call and start the focused client again, or every client if no client pane is focused (empty: the lesson's own)",
    },
    'clients-kill': {
      label: 'kill',
      help: 'kill the server (SIGKILL) under every client, whatever the focus, then start it again',
    },
    'clients-pause': {
      label: 'pause',
      help: "pause the focused client's reading of replies, or every client's if no client pane is focused; press again to resume",
    },

    'servers-kill': {
      label: 'kill',
      help: 'kill the focused server (SIGKILL) in the middle of its calls, then start it again on the same port; every server if no server pane is focused',
    },
    'servers-stop-start': {
      label: 'stop/start',
      help: "stop the focused server (it shuts down as on Ctrl-C), or start it again on its port if stopped; it stays in the client's target either way (Tab to a server pane first)",
    },
    'servers-restart': { label: 'restart', help: 'restart every server' },

    'wire-close': { label: 'close', help: 'close the wire view' },
    'wire-up': { label: 'up', help: 'scroll the wire view up' },
    'wire-down': { label: 'down', help: 'scroll the wire view down' },

    'names-send': { label: 'send', help: 'run the client with these names' },
    'names-cancel': { label: 'cancel', help: 'close the prompt, keep the names' },
    'deadline-send': { label: 'run', help: "run the client with this deadline (an empty line: the lesson's own)" },
    'deadline-cancel': { label: 'cancel', help: 'close the prompt, keep the deadline' },
    'line-send': {
      label: 'send',
      help: "write the line and a newline to the client's stdin; the prompt stays open for the next line",
    },
    'line-close': { label: 'close', help: 'close the prompt' },

    'exercise-hint': { label: 'hint', help: 'show the next hint (each says more)' },
    'exercise-solution': {
      label: 'solution',
      help: 'show the reference solution (asks first if your copy has not passed)',
    },
    'exercise-verify': { label: 'verify', help: 'verify your file now (saving it does too)' },
    'exercise-close': { label: 'lesson', help: 'back to the lesson' },
    'exercise-pick': { label: 'exercise', help: "open the lesson's exercise with that number" },
    'exercise-up': { label: 'up', help: 'scroll the focused pane up (checks: the previous check and its calls)' },
    'exercise-down': { label: 'down', help: 'scroll the focused pane down (checks: the next check and its calls)' },
    'solution-yes': { label: 'show it', help: 'show the reference solution now' },
    'solution-no': { label: 'keep trying', help: 'do not show it' },

    'help-close': { label: 'close', help: 'close this help' },
    'help-up': { label: 'up', help: 'scroll the help up' },
    'help-down': { label: 'down', help: 'scroll the help down' },
  },
  everywhere: 'Everywhere',
  modeTitle: {
    picker: 'Lesson list',
    lesson: 'Lesson',
    clients: 'Lesson with several clients',
    servers: 'Lesson with several servers',
    wire: 'Wire view',
    names: 'Names prompt (e)',
    deadline: 'Deadline prompt (d)',
    line: 'Line prompt (e on a client pane)',
    help: 'This help',
    exercise: 'Exercise view (E)',
    solution: 'Solution prompt (s)',
  },
  switchesTitle: "This lesson's switches",
  switchHelp: (help, args) => `${help} On or off, then the client runs again with or without: ${args}`,
  helpTitle: 'Keys · ? or esc to close',
  notes: [
    'In the names prompt, names are comma-separated; "" is an empty name (lesson 01\'s server answers it with INVALID_ARGUMENT); an empty line sends the lesson\'s own names.',
    "Saving the lesson's server.ts or client.ts restarts that side and runs the client again.",
    'Faults (x, d, K, space) are applied from outside the lesson code; each shows in the timeline as a fault row, followed by the status it caused. A deadline stays for later runs of the lesson until an empty line clears it; another lesson starts without one.',
    "E opens a lesson's exercise: your copy of one of its files (exercises/<lesson>/<id>.ts, made on first use) beside its checks. Saving the copy verifies it again; a failing check says what it expected and what arrived, and the timeline under it shows that check's calls. Passes and hints seen are remembered, and the lesson list shows each lesson's exercises passed (ex 1/2).",
    "Space stops the client reading: replies stop at the client, and once unread ones fill the HTTP/2 window (64 KiB) the server's replies queue up unsent (its write() returns false once that queue is full). Small replies fit in the window: the server may finish before the client reads them.",
  ],
  clientsNotes: [
    "In a lesson with several clients, each client is its own process with its own pane, and the timeline's rows start with the client's label. e writes a line to the focused client's stdin; L ends its stdin (it leaves) or starts it again (it joins). x, space and d act on the focused client, or on every client when the focus is on another pane; K kills the one server they all share.",
  ],
  serversNotes: [
    "In a lesson with several servers, each server is its own process with its own pane, and the client gets one target that names them all (ipv4:127.0.0.1:p1,127.0.0.1:p2,...): its channel's load-balancing policy picks a backend for each call. The timeline's call rows end with the backend the call went to, and the bars above the server panes count the calls each served in the client's latest run. K kills the focused server and starts it again on the same port (every server if no server pane is focused); S stops it or starts it again.",
  ],
};

const zhCN: KeyWords = {
  bindings: {
    quit: { label: '退出', help: '退出（停止所有服务端和客户端）' },
    help: { label: '帮助', help: '显示或隐藏这份帮助' },
    language: { label: 'English', help: '在英文（English）和中文之间切换界面' },
    'page-up': { label: '上一页', help: '向上滚动一页' },
    'page-down': { label: '下一页', help: '向下滚动一页' },
    top: { label: '顶部', help: '滚动到顶部' },
    bottom: { label: '底部', help: '滚动到底部' },
    'prompt-clear': { label: '清空', help: '清空这一行' },
    'prompt-delete': { label: '删除', help: '删除最后一个字符' },

    open: { label: '打开', help: '打开选中的课程' },
    'open-number': { label: '选课', help: '打开对应编号的课程（10 及以上的编号要输入两位数字）' },
    'picker-up': { label: '向上', help: '列表中的上一课' },
    'picker-down': { label: '向下', help: '列表中的下一课' },

    run: { label: '运行', help: '重新运行客户端' },
    names: { label: '名字', help: '编辑客户端发送的名字' },
    cancel: { label: '取消', help: '取消正在进行的调用（客户端得到 CANCELLED，服务端也会察觉）' },
    deadline: {
      label: '截止时间',
      help: '为每个调用设置以毫秒计的截止时间，然后运行客户端（留空：用这一课自带的设置）',
    },
    kill: { label: '杀掉', help: '在调用进行到一半时杀掉服务端（SIGKILL），然后重新启动它' },
    pause: { label: '暂停', help: '暂停客户端读取应答（背压）；再按一次恢复' },
    exercise: { label: '练习', help: '打开这一课的练习：一份属于你的课程文件副本，每次保存都会验证' },
    wire: { label: '线路', help: '打开时间线中选中行（一条消息或头部）的线路视图' },
    source: { label: '源代码', help: '在 server.ts 和 client.ts 之间切换源代码' },
    restart: { label: '重启', help: '重启服务端' },
    next: { label: '下一课', help: '下一课' },
    prev: { label: '上一课', help: '上一课' },
    focus: { label: '焦点', help: '把焦点移到下一个窗格' },
    zoom: { label: '放大', help: '把获得焦点的窗格放大到整个屏幕，或者重新显示所有窗格' },
    'focus-back': { label: '上个窗格', help: '把焦点移到上一个窗格' },
    lessons: { label: '课程列表', help: '回到课程列表' },
    'pane-up': { label: '向上', help: '向上滚动获得焦点的窗格（在时间线中：选中上一条消息）' },
    'pane-down': { label: '向下', help: '向下滚动获得焦点的窗格（在时间线中：选中下一条消息）' },
    follow: { label: '跟随', help: '滚动到底部，并跟随新出现的行' },

    'clients-run': { label: '运行', help: '重新启动所有客户端，每个客户端都是独立的进程，有自己的窗格' },
    'clients-say': { label: '输入', help: '为获得焦点的客户端的 stdin 输入一行（先用 Tab 切到一个客户端窗格）' },
    'clients-leave': {
      label: '离开',
      help: '获得焦点的客户端离开：它的 stdin 结束，于是它半关闭自己的调用（2 秒后仍在运行就停止它）；如果它已经离开，就重新加入',
    },
    'clients-cancel': {
      label: '取消',
      help: '取消获得焦点的客户端正在进行的调用；没有客户端窗格获得焦点时，取消所有客户端的调用',
    },
    'clients-deadline': {
      label: '截止时间',
      help: '为每个调用设置以毫秒计的截止时间，然后重新启动获得焦点的客户端；没有客户端窗格获得焦点时，重新启动所有客户端（留空：用这一课自带的设置）',
    },
    'clients-kill': {
      label: '杀掉',
      help: '杀掉所有客户端共用的服务端（SIGKILL），不论焦点在哪里，然后重新启动它',
    },
    'clients-pause': {
      label: '暂停',
      help: '暂停获得焦点的客户端读取应答；没有客户端窗格获得焦点时，暂停所有客户端；再按一次恢复',
    },

    'servers-kill': {
      label: '杀掉',
      help: '在调用进行到一半时杀掉获得焦点的服务端（SIGKILL），然后在同一端口上重新启动它；没有服务端窗格获得焦点时，杀掉所有服务端',
    },
    'servers-stop-start': {
      label: '启停',
      help: '停止获得焦点的服务端（像按 Ctrl-C 那样关闭），它已停止时则在原端口上重新启动它；无论哪种情况，它都留在客户端的目标地址里（先用 Tab 切到一个服务端窗格）',
    },
    'servers-restart': { label: '重启', help: '重启所有服务端' },

    'wire-close': { label: '关闭', help: '关闭线路视图' },
    'wire-up': { label: '向上', help: '向上滚动线路视图' },
    'wire-down': { label: '向下', help: '向下滚动线路视图' },

    'names-send': { label: '发送', help: '用这些名字运行客户端' },
    'names-cancel': { label: '取消', help: '关闭输入框，名字保持不变' },
    'deadline-send': { label: '运行', help: '用这个截止时间运行客户端（空行：用这一课自带的设置）' },
    'deadline-cancel': { label: '取消', help: '关闭输入框，截止时间保持不变' },
    'line-send': { label: '发送', help: '把这一行连同换行符写入客户端的 stdin；输入框保持打开，等待下一行' },
    'line-close': { label: '关闭', help: '关闭输入框' },

    'exercise-hint': { label: '提示', help: '显示下一条提示（一条比一条说得多）' },
    'exercise-solution': { label: '答案', help: '显示参考答案（你的副本还没通过时，会先问一句）' },
    'exercise-verify': { label: '验证', help: '立即验证你的文件（保存文件也会验证）' },
    'exercise-close': { label: '回到课程', help: '回到这一课' },
    'exercise-pick': { label: '练习', help: '打开这一课中对应编号的练习' },
    'exercise-up': { label: '向上', help: '向上滚动获得焦点的窗格（在检查中：上一项检查及其调用）' },
    'exercise-down': { label: '向下', help: '向下滚动获得焦点的窗格（在检查中：下一项检查及其调用）' },
    'solution-yes': { label: '显示', help: '现在就显示参考答案' },
    'solution-no': { label: '再试试', help: '不显示' },

    'help-close': { label: '关闭', help: '关闭这份帮助' },
    'help-up': { label: '向上', help: '向上滚动帮助' },
    'help-down': { label: '向下', help: '向下滚动帮助' },
  },
  everywhere: '所有界面',
  modeTitle: {
    picker: '课程列表',
    lesson: '课程',
    clients: '有多个客户端的课程',
    servers: '有多个服务端的课程',
    wire: '线路视图',
    names: '名字输入框（e）',
    deadline: '截止时间输入框（d）',
    line: '行输入框（在客户端窗格上按 e）',
    help: '这份帮助',
    exercise: '练习视图（E）',
    solution: '答案确认（s）',
  },
  switchesTitle: '这一课的开关',
  switchHelp: (help, args) => `${help}开启或关闭后，客户端会重新运行，带上或去掉：${args}`,
  helpTitle: '按键 · ? 或 esc 关闭',
  notes: [
    '在名字输入框中，名字用逗号分隔；"" 表示空名字（第 01 课的服务端对它回以 INVALID_ARGUMENT）；空行则发送这一课自带的名字。',
    '保存这一课的 server.ts 或 client.ts，对应的一侧就会重启，客户端也会重新运行。',
    '故障（x、d、K、space）是从课程代码之外施加的；每个故障都在时间线中显示为一行“故障”，后面跟着它引起的状态。截止时间设置后会一直用于这一课之后的运行，直到用一个空行清除它；换到另一课时不再带着它。',
    'E 打开这一课的练习：它的某个文件的一份属于你的副本（exercises/<lesson>/<id>.ts，第一次使用时生成），旁边是它的检查。保存副本就会重新验证；没通过的检查会说出它期望什么、实际收到了什么，下方的时间线显示这项检查发出的调用。通过的练习和看过的提示都会被记住，课程列表会显示每一课已通过的练习（练习 1/2）。',
    'Space 让客户端停止读取：应答停在客户端，一旦未读的应答填满 HTTP/2 窗口（64 KiB），服务端的应答就会排队，发不出去（队列满了之后，它的 write() 返回 false）。小的应答放得进窗口：服务端可能在客户端读取它们之前就已经结束。',
  ],
  clientsNotes: [
    '在有多个客户端的课程中，每个客户端都是独立的进程，有自己的窗格，时间线中的每一行都以客户端的标签开头。e 向获得焦点的客户端的 stdin 写入一行；L 结束它的 stdin（它离开），或者重新启动它（它加入）。x、space 和 d 作用于获得焦点的客户端，焦点在其他窗格上时则作用于所有客户端；K 杀掉它们共用的那一个服务端。',
  ],
  serversNotes: [
    '在有多个服务端的课程中，每个服务端都是独立的进程，有自己的窗格，客户端拿到的是一个列出所有服务端的目标地址（ipv4:127.0.0.1:p1,127.0.0.1:p2,...）：它的通道的负载均衡策略为每个调用挑选一个后端。时间线中每个调用的行以这个调用去往的后端结尾，服务端窗格上方的条形图统计客户端最近一次运行中每个服务端处理的调用数。K 杀掉获得焦点的服务端，并在同一端口上重新启动它（没有服务端窗格获得焦点时，杀掉所有服务端）；S 停止它或者重新启动它。',
  ],
};

export const KEY_WORDS: Readonly<Record<Language, KeyWords>> = { en, 'zh-CN': zhCN };

// The live UI's words for the exercise view and its notices. Check names, a
// failing check's expected and got, and file paths stay as they are: they are
// what the checks and the command line print.
import type { Language } from './lang.js';

type Side = 'server' | 'client';
/** A check's state that shows a mark: a check still pending shows none. */
type MarkedState = 'running' | 'pass' | 'fail';
type ExercisePaneName = 'file' | 'hints' | 'checks' | 'calls' | 'output';

export interface ExerciseWords {
  // The row above the panes.
  /** "exercise 01/1 " */
  heading(label: string): string;
  /** " · Greet by name, refuse an empty name (you write the server)" */
  about(title: string, side: Side): string;
  verifyingStatus(passing: number, total: number): string;
  passedStatus(total: number): string;
  failingStatus(passing: number, total: number): string;
  couldNotVerify(error: string): string;
  passedBefore: string;
  solutionKey: string;
  confirmQuestion: string;
  confirmKeys: string;

  // Pane titles, and the panes' names as tabs on a small terminal.
  fileTitle(path: string): string;
  solutionTitle(path: string): string;
  hintsTitle(seen: number, total: number): string;
  checksTitle(passing: number, total: number, verifying: boolean): string;
  /** The calls of a check (by its name), or of none selected yet. */
  callsTitle(check: string | undefined): string;
  outputTitle: Record<Side, string>;
  tab: Record<ExercisePaneName, string>;

  // The panes' own lines.
  /** A check's mark, at most four columns: the checks pane pads it. */
  mark: Record<MarkedState, string>;
  hintHeading(number: number, total: number): string;

  // Notices.
  copyMade: string;
  copyKept: string;
  cannotMakeCopy(path: string, why: string): string;
  cannotVerify(why: string): string;
  passedNotice: string;
  lastHint(total: number): string;
  solutionShown(path: string): string;
  savedVerifying(file: string): string;

  /** What `npm run exercise` prints around an exercise (its errors stay English: they are grepped). */
  command: ExerciseCommandWords;
}

export interface ExerciseCommandWords {
  /** "exercise 01/1: Greet by name (you write the server)" */
  heading(label: string, title: string, side: Side): string;
  /** "made your copy: exercises/01-unary/server.ts (look for TODO)" */
  copy(made: boolean, path: string): string;
  checksIntro: Record<Side, string>;
  verify(ref: string): string;
  hint(ref: string): string;
  startOver(ref: string): string;
  hintLine(number: number, total: number, text: string): string;
  lastHint: string;
  reset(path: string): string;
  status: Record<'passed' | 'started', string>;
  side: Record<Side, string>;
  hintsSeen(count: number): string;
}

const en: ExerciseWords = {
  heading: (label) => `exercise ${label} `,
  about: (title, side) => ` · ${title} (you write the ${side})`,
  verifyingStatus: (passing, total) => `verifying… ${passing} of ${total} pass`,
  passedStatus: (total) => `passed: all ${total} checks pass`,
  failingStatus: (passing, total) => `${passing} of ${total} checks pass`,
  couldNotVerify: (error) => `could not verify: ${error}`,
  passedBefore: ' (passed before)',
  solutionKey: ' · s shows the solution',
  confirmQuestion: 'Show the reference solution before your copy passes?',
  confirmKeys: ' y shows it · n or esc keeps trying',

  fileTitle: (path) => `Your file: ${path}`,
  solutionTitle: (path) => `Solution, read-only: ${path}`,
  hintsTitle: (seen, total) => `Hints · ${seen} of ${total}${seen < total ? ' · h: next' : ''}`,
  checksTitle: (passing, total, verifying) => `Checks · ${passing} of ${total} pass${verifying ? ' · verifying' : ''}`,
  callsTitle: (check) => (check === undefined ? 'Calls' : `Calls of "${check}"`),
  outputTitle: { server: "Your server's output", client: "Your client's output" },
  tab: { file: 'File', hints: 'Hints', checks: 'Checks', calls: 'Calls', output: 'Output' },

  mark: { running: '..', pass: 'pass', fail: 'FAIL' },
  hintHeading: (number, total) => `hint ${number} of ${total}`,

  // The file's path is the title of its pane: the notice stays short enough to leave keys in the footer.
  copyMade: 'made your copy: edit, save, see it verified',
  copyKept: 'edit your copy, save, see it verified',
  cannotMakeCopy: (path, why) => `cannot make your copy ${path}: ${why}`,
  cannotVerify: (why) => `cannot verify: ${why}`,
  passedNotice: 'passed! s shows the reference solution',
  lastHint: (total) => `that was the last hint (${total} of ${total}); s shows the solution`,
  solutionShown: (path) => `the reference solution: ${path} (s: your file again)`,
  savedVerifying: (file) => `${file} saved: verifying it again`,

  command: {
    heading: (label, title, side) => `exercise ${label}: ${title} (you write the ${side})`,
    copy: (made, path) => `${made ? 'made your copy' : 'your copy'}: ${path} (look for TODO)`,
    checksIntro: {
      server: 'the tutorial calls your server; the checks:',
      client: 'the tutorial runs your client against its server; the checks:',
    },
    verify: (ref) => `verify:  npm run verify -- ${ref}   (add --watch to verify on every save)`,
    hint: (ref) => `hint:    npm run exercise -- hint ${ref}`,
    startOver: (ref) => `start over: npm run exercise -- reset ${ref}`,
    hintLine: (number, total, text) => `hint ${number} of ${total}: ${text}`,
    lastHint: 'that was the last hint; the solution is one command away',
    reset: (path) => `${path} is the starting file again`,
    status: { passed: 'passed', started: 'started' },
    side: { server: 'server', client: 'client' },
    hintsSeen: (count) => `  (${count} hint${count > 1 ? 's' : ''})`,
  },
};

// Notices no wider than the English ones: the footer gives the keys what they leave.
const zhCN: ExerciseWords = {
  heading: (label) => `练习 ${label} `,
  about: (title, side) => ` · ${title}（由你编写${side === 'server' ? '服务端' : '客户端'}）`,
  verifyingStatus: (passing, total) => `正在验证… 通过 ${passing}/${total}`,
  passedStatus: (total) => `通过：${total} 项检查全部通过`,
  failingStatus: (passing, total) => `${total} 项检查通过了 ${passing} 项`,
  couldNotVerify: (error) => `无法验证：${error}`,
  passedBefore: '（之前已通过）',
  solutionKey: ' · s 查看参考答案',
  confirmQuestion: '你的副本还没通过，现在就看参考答案吗？',
  confirmKeys: ' y 显示 · n 或 esc 再试试',

  fileTitle: (path) => `你的文件：${path}`,
  solutionTitle: (path) => `参考答案（只读）：${path}`,
  hintsTitle: (seen, total) => `提示 · ${seen}/${total}${seen < total ? ' · h：下一条' : ''}`,
  checksTitle: (passing, total, verifying) => `检查 · 通过 ${passing}/${total}${verifying ? ' · 验证中' : ''}`,
  callsTitle: (check) => (check === undefined ? '调用' : `检查“${check}”的调用`),
  outputTitle: { server: '你的服务端输出', client: '你的客户端输出' },
  tab: { file: '文件', hints: '提示', checks: '检查', calls: '调用', output: '输出' },

  mark: { running: '..', pass: '通过', fail: '失败' },
  hintHeading: (number, total) => `提示 ${number}/${total}`,

  copyMade: '已生成你的副本：编辑、保存，自动验证',
  copyKept: '编辑你的副本并保存，自动验证',
  cannotMakeCopy: (path, why) => `无法生成你的副本 ${path}：${why}`,
  cannotVerify: (why) => `无法验证：${why}`,
  passedNotice: '通过了！s 查看参考答案',
  lastHint: (total) => `这已是最后一条提示（${total}/${total}）；s 查看参考答案`,
  solutionShown: (path) => `参考答案：${path}（s：回到你的文件）`,
  savedVerifying: (file) => `${file} 已保存：重新验证`,

  command: {
    heading: (label, title, side) => `练习 ${label}：${title}（由你编写${side === 'server' ? '服务端' : '客户端'}）`,
    copy: (made, path) => `${made ? '已生成你的副本' : '你的副本'}：${path}（找 TODO）`,
    checksIntro: {
      server: '教程会调用你的服务端；检查项：',
      client: '教程会让你的客户端调用它自己的服务端；检查项：',
    },
    verify: (ref) => `验证：npm run verify -- ${ref}   （加上 --watch，每次保存都会验证）`,
    hint: (ref) => `提示：npm run exercise -- hint ${ref}`,
    startOver: (ref) => `重新开始：npm run exercise -- reset ${ref}`,
    hintLine: (number, total, text) => `提示 ${number}/${total}：${text}`,
    lastHint: '这已是最后一条提示；参考答案只差一条命令',
    reset: (path) => `${path} 又是起始文件了`,
    status: { passed: '已通过', started: '进行中' },
    side: { server: '服务端', client: '客户端' },
    hintsSeen: (count) => `  （看过 ${count} 条提示）`,
  },
};

export const EXERCISE_WORDS: Readonly<Record<Language, ExerciseWords>> = { en, 'zh-CN': zhCN };

// Turns keys and file changes into session work and store updates. Knows
// nothing of React: the App forwards keys here, and tests can drive it directly.
// A lesson that lists several clients runs them all: `r` starts every one, and
// the keys for one client (a line typed for its stdin, leave or join, faults)
// act on the client whose pane is focused. A lesson that lists several
// servers runs them all, and `K` and `S` act on the server whose pane is
// focused (`K` on every server when none is).
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import type { Key } from 'ink';
import { LESSONS, lessonNumberText, type Lesson } from '../lessons.js';
import type { LessonSession, RunOptions } from '../runner/session.js';
import { actionFor, keystrokes, type Action } from './keymap.js';
import { clientLabelOf, panesOf, serverLabelOf, serverPane, type UiStore } from './store.js';
import { formatNames, parseNames, withoutControlCharacters } from './names.js';
import type { ProgressFile } from './progress.js';
import { ExerciseController } from './exercise-controller.js';
import { exercisesOf } from '../exercises/exercises.js';
import { lessonTextPath } from '../i18n/lessons.js';
import type { UiWords } from '../i18n/ui-words.js';

export interface ControllerOptions {
  /** Restart and re-run when a lesson file is saved. */
  watch?: boolean;
  onQuit?: () => void;
  /** Where completed lessons are remembered across runs; without one, only for this run. */
  progress?: ProgressFile;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export class LessonController {
  private session?: LessonSession;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  /** Digits typed in the picker that may start a longer lesson number. */
  private typedDigits = '';
  /** The lesson most recently asked for; opens already superseded by a newer one are skipped. */
  private target?: Lesson;
  /** Saving progress failed once already: say so once, not after every run. */
  private progressWarned = false;
  /** A kill of the server (and its restart) is under way. */
  private killing = false;
  /** The kills, stops and starts of servers asked for so far (see serverTask). */
  private serverWork: Promise<void> = Promise.resolve();
  /** The exercise view's work (E in a lesson with exercises). */
  readonly exercises: ExerciseController;

  constructor(
    private readonly store: UiStore,
    private readonly options: ControllerOptions = {},
  ) {
    if (options.progress) for (const slug of options.progress.load()) store.state.completed.add(slug);
    if (options.progress)
      for (const [key, done] of options.progress.exercises()) store.state.exerciseProgress.set(key, done);
    this.exercises = new ExerciseController(store, options.progress, options.watch !== false);
  }

  /** The running lesson server's process id, if there is one. */
  get serverPid(): number | undefined {
    return this.session?.serverPid;
  }

  /** The process id of the server with this label, in a lesson with several servers, while it runs. */
  serverPidOf(label: string): number | undefined {
    return this.session?.serverPidOf(label);
  }

  /** The running client's process id, or that of the client with this label in a lesson with several. */
  clientPid(label?: string): number | undefined {
    return this.session?.clientPid(label);
  }

  /** Runs session work one piece at a time, in the order it was asked for. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work
      .then(task)
      .catch((error: Error) => this.store.update((state) => (state.notice = this.words.runnerError(error.message))));
    return this.work;
  }

  open(lesson: Lesson): Promise<void> {
    this.target = lesson;
    // Whatever the open lesson is doing is no longer wanted: stop it now rather than after it finishes.
    void this.session?.stop();
    return this.enqueue(async () => {
      if (this.target !== lesson) return;
      await this.exercises.close();
      await this.closeSession();
      // Loaded on the first open, not before the picker's first frame.
      const { LessonSession } = await import('../runner/session.js');
      if (this.closed || this.target !== lesson) return;
      this.store.openLesson(lesson);
      this.loadFiles(lesson);
      const session = new LessonSession(lesson);
      session.subscribe((event) => {
        this.store.apply(event);
        if (event.type === 'exit' && event.side === 'client' && event.code === 0) this.saveProgress(lesson);
      });
      this.session = session;
      if (this.options.watch !== false) this.watchLesson(lesson);
      await this.startServer(session);
      await this.run(session);
    });
  }

  /** What the client runs with: the names, the deadline and the lesson's switches set in the UI. */
  private runArguments(): Parameters<LessonSession['runClient']> {
    return [this.store.state.names, this.runOptions()];
  }

  private runOptions(): RunOptions {
    const { deadlineMs, lesson, switchesOn } = this.store.state;
    const args = (lesson.switches ?? []).filter((entry) => switchesOn.has(entry.key)).flatMap((entry) => entry.args);
    return args.length ? { deadlineMs, args } : { deadlineMs };
  }

  /**
   * Runs the lesson's client and waits for it to end; or, for a lesson with
   * several clients, starts them all (they end when the learner makes them leave).
   */
  private async run(session: LessonSession, label?: string): Promise<void> {
    if (label !== undefined) await session.startClient(label, this.runOptions());
    else if (session.lesson.clients) await session.startClients(this.runOptions());
    else await session.runClient(...this.runArguments());
  }

  /** Runs the client again (every client of a lesson with several; only `label`'s, if given). */
  runClient(label?: string): Promise<void> {
    // A run still going (a long stream, a client waiting on its deadline) gives way to the new one.
    void this.session?.stopClient(label);
    return this.enqueue(async () => {
      const session = this.session;
      if (!session) return;
      if (!session.hasTarget()) throw new Error(this.words.serverNotRunning);
      this.store.update((state) => (state.notice = ''));
      await session.stopClient(label);
      await this.run(session, label);
    });
  }

  /** The label of the client whose pane is focused, in a lesson with several clients. */
  private focusedClient(): string | undefined {
    return clientLabelOf(this.store.state.focus);
  }

  /** The label of the server whose pane is focused, in a lesson with several servers. */
  private focusedServer(): string | undefined {
    return serverLabelOf(this.store.state.focus);
  }

  /**
   * S: the focused server stops (SIGTERM: it shuts down as on Ctrl-C) or, if
   * it is stopped, starts again on its port. Not queued behind the client's
   * run, as K is not: the run goes on meanwhile, and the point is to watch it;
   * but after a K or S under way.
   */
  toggleServer(): Promise<void> {
    const session = this.session;
    const label = this.focusedServer();
    if (!session) return Promise.resolve();
    if (label === undefined) {
      this.notice(this.words.focusServerFirst);
      return Promise.resolve();
    }
    return this.serverTask(async () => {
      if (this.session !== session || this.closed) return;
      this.notice('');
      if (session.isServerRunning(label)) await session.stopServer(label);
      else await this.startServer(session, label);
    });
  }

  /** Kills, stops and starts of servers (K, S), one after another; an error ends up in the notice. */
  private serverTask(task: () => Promise<void>): Promise<void> {
    this.serverWork = this.serverWork
      .then(task)
      .catch((error: Error) => this.notice(this.words.runnerError(error.message)));
    return this.serverWork;
  }

  /**
   * The focused client leaves (its stdin ends, so it half-closes; stopped
   * if it has not exited after 2 s) or, if it has left, joins again.
   */
  async leaveOrJoin(): Promise<void> {
    const session = this.session;
    const label = this.focusedClient();
    if (!session) return;
    if (label === undefined) return this.notice(this.words.focusClientToLeave);
    if (session.isClientRunning(label)) {
      const leaving = this.words.leaving(label);
      this.notice(leaving);
      await session.leaveClient(label);
      if (this.store.state.notice === leaving) this.notice('');
      return;
    }
    this.notice('');
    await this.enqueue(async () => {
      if (this.session !== session) return;
      if (!session.hasTarget()) throw new Error(this.words.serverNotRunning);
      await session.startClient(label, this.runOptions());
    });
  }

  restartServer(thenRunClient = false): Promise<void> {
    void this.session?.stopClient();
    return this.enqueue(async () => {
      // The session of this lesson, even if a newer lesson or a shutdown replaces it meanwhile.
      const session = this.session;
      if (!session) return;
      this.store.update((state) => (state.notice = ''));
      this.store.serverStarting();
      await session.stopServer();
      // Closed meanwhile (another lesson, or quitting): start nothing that nobody would stop.
      if (this.session !== session) return;
      await this.startServer(session);
      if (thenRunClient) await this.run(session);
    });
  }

  // Faults act on the run in flight at once: not queued behind it, as session work is.

  // In a lesson with several clients, they hit the focused client, or every client when none is focused.

  /** Cancels the client's calls in flight. */
  async cancelCalls(): Promise<void> {
    const session = this.session;
    const label = this.focusedClient();
    if (session && !(await session.cancelCalls(label))) this.notice(this.words.nothingToCancel(this.runHint(label)));
  }

  /** Pauses the client's reading of replies, or resumes it. */
  async toggleReading(): Promise<void> {
    const session = this.session;
    const label = this.focusedClient();
    if (session && (await session.toggleReading(label)) === undefined)
      this.notice(this.words.nothingToPause(this.runHint(label)));
  }

  /** How to get a client running. */
  private runHint(label?: string): string {
    return label === undefined ? this.words.runHint : this.words.runHintClients(label);
  }

  /**
   * Kills the server (SIGKILL) whatever the client is doing, then starts it
   * again on the same port, where a client that reconnects finds it. Not queued: a client run holds the
   * queue until it ends, and a client may wait for the server to come back.
   * In a lesson with several servers: the focused one, or every one.
   */
  async killServer(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const label = this.focusedServer();
    if (label !== undefined && !session.isServerRunning(label))
      return this.notice(this.words.listedServerNotRunning(label));
    if (session.serverPid === undefined && !session.lesson.servers) return this.notice(this.words.serverNotRunning);
    // A second K while the first is killing or restarting would only kill what just started.
    if (this.killing) return;
    this.killing = true;
    this.notice('');
    try {
      await this.serverTask(async () => {
        await session.killServer(label);
        // Closed meanwhile (another lesson, or quitting): start nothing that nobody would stop.
        if (this.session !== session || this.closed) return;
        await this.startServer(session, label);
      });
    } finally {
      this.killing = false;
    }
  }

  /** The UI's words in the language it speaks now. */
  private get words(): UiWords {
    return this.store.words.ui;
  }

  /** t: English to Chinese and back, at once, everywhere; the open lesson's text is read again in the other language. */
  private switchLanguage(): void {
    this.store.update((state) => {
      state.language = state.language === 'en' ? 'zh-CN' : 'en';
      if (state.screen === 'lesson') state.files.text = readOrEmpty(lessonTextPath(state.lesson, state.language));
      state.notice = this.words.languageNow;
    });
  }

  private notice(text: string): void {
    this.store.update((state) => (state.notice = text));
  }

  /** Starts the server; in a lesson with several, the one with this label, or every one not running. */
  private async startServer(session: LessonSession, label?: string): Promise<void> {
    this.store.serverStarting(label);
    try {
      await session.startServer(label);
    } catch (error) {
      // The session's reason is the server's last stderr line, which after a Node crash is
      // its version banner; the store has kept the line that says what went wrong.
      const servers = session.lesson.servers?.map((server) => serverPane(server.label)) ?? ['server' as const];
      const failed = servers.map((who) => this.store.failure(who)).find((why) => why !== undefined);
      throw new Error(failed ?? (error as Error).message);
    }
  }

  private saveProgress(lesson: Lesson): void {
    const problem = this.options.progress?.markCompleted(lesson.slug);
    if (!problem || this.progressWarned) return;
    this.progressWarned = true;
    this.store.update((state) => (state.notice = this.words.progressNotSaved(problem)));
  }

  private loadFiles(lesson: Lesson): void {
    this.store.update((state) => {
      state.files = {
        text: readOrEmpty(lessonTextPath(lesson, state.language)),
        server: readOrEmpty(lesson.serverPath),
        client: readOrEmpty(lesson.clientPath),
      };
    });
  }

  private watchLesson(lesson: Lesson): void {
    const changed = new Set<string>();
    try {
      this.watcher = watch(lesson.dir, (_event, file) => {
        if (!file) return;
        changed.add(String(file));
        clearTimeout(this.debounce);
        // Editors save in bursts (write, rename, touch): act once it settles.
        this.debounce = setTimeout(() => {
          const files = [...changed];
          changed.clear();
          this.onFilesChanged(lesson, files);
        }, 150);
      });
    } catch (error) {
      this.store.update((state) => (state.notice = this.words.cannotWatch(lesson.dir, (error as Error).message)));
    }
  }

  private onFilesChanged(lesson: Lesson, files: string[]): void {
    if (this.session?.lesson !== lesson) return;
    this.loadFiles(lesson);
    if (files.includes('server.ts')) {
      this.store.update((state) => (state.notice = this.words.serverSaved));
      void this.restartServer(true);
    } else if (files.includes('client.ts')) {
      this.store.update((state) => (state.notice = this.words.clientSaved));
      void this.runClient();
    }
  }

  private async closeSession(): Promise<void> {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    const session = this.session;
    this.session = undefined;
    await session?.stop();
  }

  /** Stops every process and watcher; safe to call more than once. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.exercises.close();
    await this.closeSession();
    await this.work.catch(() => {});
    await this.closeSession();
  }

  /** A key from Ink: looked up in the table of the mode the UI is in. */
  handleKey(input: string, key: Key): void {
    for (const [char, stroke] of keystrokes(input, key)) {
      const mode = this.store.mode();
      if (
        (mode === 'lesson' || mode === 'clients' || mode === 'servers') &&
        !stroke.ctrl &&
        !stroke.meta &&
        this.toggleSwitch(char)
      )
        continue;
      const action = actionFor(mode, char, stroke);
      if (action) this.handle(action, char);
      else if (mode === 'names' && !stroke.ctrl && !stroke.meta) this.typeInName(char);
      else if (mode === 'deadline' && !stroke.ctrl && !stroke.meta) this.typeInDeadline(char);
      else if (mode === 'line' && !stroke.ctrl && !stroke.meta) this.typeInLine(char);
    }
  }

  /** A key of the open lesson's switches: turns it on or off and runs the client again; false for any other key. */
  private toggleSwitch(char: string): boolean {
    const entry = this.store.state.lesson.switches?.find((candidate) => candidate.key === char);
    if (!entry) return false;
    this.store.update((state) => {
      if (!state.switchesOn.delete(entry.key)) state.switchesOn.add(entry.key);
    });
    void this.runClient();
    return true;
  }

  private typeInName(text: string): void {
    const typed = withoutControlCharacters(text);
    if (typed) this.store.update((state) => (state.nameDraft = (state.nameDraft ?? '') + typed));
  }

  /** Digits only, and no more than 9 of them (over a day): anything else is not a deadline in ms. */
  private typeInDeadline(text: string): void {
    const digits = text.replace(/[^0-9]/g, '');
    if (digits)
      this.store.update((state) => (state.deadlineDraft = ((state.deadlineDraft ?? '') + digits).slice(0, 9)));
  }

  private sendDeadline(): void {
    this.store.update((state) => {
      const draft = state.deadlineDraft ?? '';
      state.deadlineMs = draft === '' ? undefined : Number(draft);
      state.deadlineDraft = undefined;
    });
    void this.runClient(this.focusedClient());
  }

  /** Edits the line of whichever prompt is open. */
  private editPrompt(edit: (line: string) => string): void {
    this.store.update((state) => {
      if (state.nameDraft !== undefined) state.nameDraft = edit(state.nameDraft);
      else if (state.deadlineDraft !== undefined) state.deadlineDraft = edit(state.deadlineDraft);
      else if (state.linePrompt !== undefined) state.linePrompt.text = edit(state.linePrompt.text);
    });
  }

  private typeInLine(text: string): void {
    const typed = withoutControlCharacters(text);
    if (typed) this.store.update((state) => state.linePrompt && (state.linePrompt.text += typed));
  }

  /** Opens the line prompt for the focused client's stdin. */
  private editLine(): void {
    const label = this.focusedClient();
    if (label === undefined) return this.notice(this.words.focusClientToType);
    this.store.update((state) => (state.linePrompt = { client: label, text: '' }));
  }

  /** Writes the prompt's line to its client's stdin, shows it in the client's pane, and clears the prompt for the next. */
  private sendLine(): void {
    const prompt = this.store.state.linePrompt;
    if (!prompt) return;
    const { client, text } = prompt;
    if (!this.session?.sendLine(client, text)) return this.notice(this.words.clientNotRunning(client));
    this.store.update((state) => {
      this.store.listedClient(client).log.push({ text: `› ${text}`, tone: 'info' });
      if (state.linePrompt) state.linePrompt.text = '';
      state.notice = '';
    });
  }

  private sendNames(): void {
    this.store.update((state) => {
      state.names = parseNames(state.nameDraft ?? '');
      state.nameDraft = undefined;
    });
    void this.runClient();
  }

  /** The pane that scroll keys move: the help or the wire view while open. */
  private scrollTarget() {
    const { help, wireView, focus, exercise } = this.store.state;
    return help ? 'help' : exercise ? exercise.focus : wireView ? 'wire' : focus;
  }

  /**
   * A digit typed in the picker: 3 opens lesson 3; 1 selects lesson 1 and waits, since 1 then 3
   * means lesson 13 (enter opens 1); 0 then 1 is lesson 1 too.
   */
  private typeLessonDigit(digit: string): void {
    const forms = (lesson: Lesson) => [String(lesson.number), lessonNumberText(lesson.number)];
    const startingWith = (typed: string) =>
      LESSONS.filter((lesson) => forms(lesson).some((form) => form.startsWith(typed)));
    const typed = startingWith(this.typedDigits + digit).length ? this.typedDigits + digit : digit;
    const candidates = startingWith(typed);
    this.typedDigits = candidates.length ? typed : '';
    const exact = candidates.find((lesson) => forms(lesson).includes(typed));
    if (!exact) return;
    const longer = candidates.some((lesson) =>
      forms(lesson).some((form) => form.length > typed.length && form.startsWith(typed)),
    );
    if (!longer) {
      this.typedDigits = '';
      void this.open(exact);
      return;
    }
    this.store.update((draft) => (draft.pickerIndex = LESSONS.indexOf(exact)));
  }

  /**
   * E: the open lesson's first exercise not yet passed (or its first); 1-9 in
   * the exercise view: the exercise with that number.
   */
  private openExercise(number?: number): void {
    const { lesson, exerciseProgress, exercise: open } = this.store.state;
    const exercises = exercisesOf(lesson);
    if (exercises.length === 0) return this.notice(this.words.noExercise(lessonNumberText(lesson.number)));
    const chosen =
      number === undefined
        ? (exercises.find((exercise) => !exerciseProgress.get(exercise.key)?.passed) ?? exercises[0])
        : exercises[number - 1];
    if (!chosen) return this.notice(this.words.exerciseCount(exercises.length));
    if (open?.exercise.key === chosen.key) return;
    void this.exercises.open(chosen);
  }

  /** Does what a key's action says; `input` is the character typed, for keys that carry a value (1-9). */
  handle(action: Action, input = ''): void {
    const { state } = this.store;
    if (action !== 'open-number') this.typedDigits = '';
    const panes = panesOf(state.lesson);
    const moveFocus = (step: number) =>
      this.store.update(
        (draft) => (draft.focus = panes[(panes.indexOf(draft.focus) + step + panes.length) % panes.length]),
      );
    const lessonAt = (step: number) =>
      LESSONS[(LESSONS.indexOf(this.target ?? state.lesson) + step + LESSONS.length) % LESSONS.length];
    switch (action) {
      case 'switch-language':
        return this.switchLanguage();
      case 'quit':
        this.options.onQuit?.();
        return;
      case 'help':
        return this.store.update((draft) => {
          draft.help = !draft.help;
          draft.scroll.help = { offset: 0, follow: false };
        });
      case 'picker-up':
      case 'picker-down': {
        const step = action === 'picker-up' ? -1 : 1;
        return this.store.update(
          (draft) => (draft.pickerIndex = (draft.pickerIndex + step + LESSONS.length) % LESSONS.length),
        );
      }
      case 'open':
        void this.open(LESSONS[state.pickerIndex]);
        return;
      case 'open-number':
        return this.typeLessonDigit(input);
      case 'back':
        void this.enqueue(() => this.closeSession());
        // A notice about the lesson left behind says nothing about the list.
        return this.store.update((draft) => {
          draft.screen = 'picker';
          draft.notice = '';
        });
      case 'next-lesson':
        void this.open(lessonAt(1));
        return;
      case 'prev-lesson':
        void this.open(lessonAt(-1));
        return;
      case 'maximize':
        return this.store.update((draft) => (draft.maximized = !draft.maximized));
      case 'focus-next':
        return state.exercise ? this.exercises.moveFocus(1) : moveFocus(1);
      case 'focus-prev':
        return state.exercise ? this.exercises.moveFocus(-1) : moveFocus(-1);
      case 'run-client':
        void this.runClient();
        return;
      case 'restart-server':
        void this.restartServer();
        return;
      case 'edit-names':
        return this.store.update((draft) => (draft.nameDraft = formatNames(draft.names ?? [])));
      case 'toggle-source':
        return this.store.update((draft) => {
          draft.sourceTab = draft.sourceTab === 'server' ? 'client' : 'server';
          draft.scroll.source = { offset: 0, follow: false };
        });
      case 'wire-view':
        if (!state.wireView && state.selected === undefined) this.store.select(0);
        return this.store.update((draft) => {
          draft.wireView = !draft.wireView;
          draft.scroll.wire = { offset: 0, follow: false };
        });
      case 'names-send':
        return this.sendNames();
      case 'names-cancel':
        return this.store.update((draft) => (draft.nameDraft = undefined));
      case 'deadline-send':
        return this.sendDeadline();
      case 'deadline-cancel':
        return this.store.update((draft) => (draft.deadlineDraft = undefined));
      case 'prompt-delete':
        return this.editPrompt((line) => [...line].slice(0, -1).join(''));
      case 'prompt-clear':
        return this.editPrompt(() => '');
      case 'cancel-calls':
        void this.cancelCalls();
        return;
      case 'toggle-reading':
        void this.toggleReading();
        return;
      case 'kill-server':
        void this.killServer();
        return;
      case 'toggle-server':
        void this.toggleServer();
        return;
      case 'edit-deadline':
        return this.store.update((draft) => (draft.deadlineDraft = draft.deadlineMs?.toString() ?? ''));
      case 'edit-line':
        return this.editLine();
      case 'line-send':
        return this.sendLine();
      case 'line-cancel':
        return this.store.update((draft) => (draft.linePrompt = undefined));
      case 'leave-join':
        void this.leaveOrJoin();
        return;
      case 'open-exercise':
        return this.openExercise();
      case 'pick-exercise':
        return this.openExercise(Number(input));
      case 'close-exercise':
        void this.exercises.close();
        return this.notice('');
      case 'exercise-verify':
        this.notice(this.words.verifyingAgain);
        void this.exercises.verify();
        return;
      case 'exercise-hint':
        return this.exercises.hint();
      case 'exercise-solution':
        return this.exercises.toggleSolution();
      case 'solution-yes':
      case 'solution-no':
        return this.exercises.answer(action === 'solution-yes');
      case 'scroll-up':
      case 'scroll-down': {
        const step = action === 'scroll-up' ? -1 : 1;
        const target = this.scrollTarget();
        // In the timeline the arrows move the cursor, which scrolls with it; in the checks, the selected check.
        if (target === 'exercise-checks') return this.exercises.selectCheck(step);
        return target === 'timeline' ? this.store.select(step) : this.store.scroll(target, step);
      }
      case 'page-up':
      case 'page-down':
      case 'top':
      case 'bottom':
        return this.store.scroll(this.scrollTarget(), action);
    }
  }
}

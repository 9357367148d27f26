// The exercise view's work: makes the learner's copy, verifies it in a checker
// process, again on every save of it (and on `r`), shows the hints one at a
// time and the solution (at once after a pass, after a question before), and
// remembers passes and hints in the progress file. One verification at a time:
// a new one stops the one running first. Closing stops everything it started.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ensureWorkingCopy, listedCheckNames, type Exercise } from '../exercises/exercises.js';
import type { RunningVerification, Verification } from '../exercises/verify.js';
import { projectPath } from '../exercises/report.js';
import type { UiStore } from './store.js';
import type { ProgressFile, ExerciseProgress } from './progress.js';
import {
  checkBlocks,
  exercisePaneColumns,
  exercisePanes,
  hintLines,
  newExerciseView,
  selectedCheck,
} from './exercise-store.js';
import type { ExerciseView } from './exercise-store.js';
import { loadRenderers } from './useRenderers.js';
import { lineText } from './styled.js';
import type { Catalog } from '../i18n/catalog.js';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Notices a failing verification makes stale (a hint's or a copy's stay), in the words they were said in. */
function staleOnFailure(notice: string, file: string, words: Catalog): boolean {
  return (
    notice === words.exercise.passedNotice ||
    notice === words.exercise.savedVerifying(file) ||
    notice === words.ui.verifyingAgain
  );
}

export class ExerciseController {
  private running?: RunningVerification;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  /** Bumped by every verification asked for and by closing: reports of an older one are dropped. */
  private generation = 0;
  private work: Promise<void> = Promise.resolve();
  /** Saving progress failed once already: say so once. */
  private progressWarned = false;

  constructor(
    private readonly store: UiStore,
    private readonly progress?: ProgressFile,
    /** Watch the learner's copy and verify it on every save. */
    private readonly watchFile = true,
  ) {}

  private get view(): ExerciseView | undefined {
    return this.store.state.exercise;
  }

  private notice(text: string): void {
    this.store.update((state) => (state.notice = text));
  }

  /** The words of the language the UI speaks now: a notice is said in it once, as it is set. */
  private get words(): Catalog {
    return this.store.words;
  }

  /** Opens the view on an exercise (closing any other): makes the learner's copy if missing and verifies it. */
  async open(exercise: Exercise): Promise<void> {
    await this.close();
    let made: boolean;
    try {
      made = ensureWorkingCopy(exercise);
    } catch (error) {
      return this.notice(this.words.exercise.cannotMakeCopy(projectPath(exercise.workPath), (error as Error).message));
    }
    const known = this.store.state.exerciseProgress.get(exercise.key) ?? {};
    const view = newExerciseView(exercise, readOrEmpty(exercise.workPath), known.hints ?? 0, known.passed === true);
    this.store.update((state) => {
      state.exercise = view;
      // The file's path is the title of its pane: the notice stays short enough to leave keys in the footer.
      state.notice = made ? this.words.exercise.copyMade : this.words.exercise.copyKept;
      for (const pane of exercisePanes(view)) state.scroll[pane] = { offset: 0, follow: pane !== 'exercise-file' };
    });
    if (this.watchFile) this.watch(exercise);
    const verifying = this.verify();
    await this.showTodo(view);
    await verifying;
  }

  /** Scrolls the file pane to the first TODO: what there is to write, not the file's opening comments. */
  private async showTodo(view: ExerciseView): Promise<void> {
    const { renderSource } = await loadRenderers();
    if (this.view !== view || view.solution !== undefined) return;
    const lines = renderSource(view.source, exercisePaneColumns(view, this.store.state.size, 'exercise-file'));
    const todo = lines.findIndex((line) => lineText(line).includes('TODO'));
    if (todo > 0)
      this.store.update((state) => (state.scroll['exercise-file'] = { offset: Math.max(0, todo - 2), follow: false }));
  }

  /** Verifies the learner's copy now, stopping a verification still running. */
  verify(): Promise<void> {
    const generation = ++this.generation;
    const stopping = this.running?.stop();
    this.running = undefined;
    this.work = this.work
      .then(async () => {
        await stopping;
        const view = this.view;
        if (!view || generation !== this.generation) return;
        // Loaded with the first exercise opened, not at start-up.
        const { verifyExercise } = await import('../exercises/verify.js');
        const names = listedCheckNames(view.exercise);
        if (generation !== this.generation || this.view !== view) return;
        this.store.update(() => {
          view.checkNames = names;
          view.source = readOrEmpty(view.exercise.workPath);
          view.verification = undefined;
          view.verifying = true;
          view.runs += 1;
          view.selected = undefined;
          this.store.state.scroll['exercise-checks'] = { offset: 0, follow: false };
          this.store.state.scroll['exercise-timeline'] = { offset: 0, follow: true };
          this.store.state.scroll['exercise-output'] = { offset: 0, follow: true };
        });
        const running = verifyExercise(view.exercise, names, {
          onUpdate: (result) => {
            if (generation !== this.generation) return;
            view.verification = result;
            this.keepSelectedInView();
            this.store.changed();
          },
        });
        this.running = running;
        void running.done.then((result) => this.finished(view, generation, result));
      })
      .catch((error: Error) => this.notice(this.words.exercise.cannotVerify(error.message)));
    return this.work;
  }

  private finished(view: ExerciseView, generation: number, result: Verification): void {
    if (generation !== this.generation || this.view !== view) return;
    this.store.update((state) => {
      view.verification = result;
      view.verifying = false;
      if (result.error) state.notice = this.words.exercise.couldNotVerify(result.error);
      else if (result.passed) {
        view.passed = true;
        state.notice = this.words.exercise.passedNotice;
      } else if (staleOnFailure(state.notice, basename(view.exercise.workPath), this.words)) state.notice = '';
    });
    if (result.passed && !result.error) this.remember(view.exercise, (known) => ({ ...known, passed: true }));
  }

  /** Records a change to an exercise's progress, in the UI and in the progress file. */
  private remember(exercise: Exercise, change: (known: ExerciseProgress) => ExerciseProgress): void {
    this.store.update((state) =>
      state.exerciseProgress.set(exercise.key, change({ ...(state.exerciseProgress.get(exercise.key) ?? {}) })),
    );
    const problem = this.progress?.updateExercise(exercise.key, change);
    if (!problem || this.progressWarned) return;
    this.progressWarned = true;
    this.notice(this.words.ui.progressNotSaved(problem));
  }

  /** The next hint, into the hints pane; the count is remembered. */
  hint(): void {
    const view = this.view;
    if (!view) return;
    const total = view.exercise.hints.length;
    if (view.hints >= total) return this.notice(this.words.exercise.lastHint(total));
    const next = view.hints + 1;
    this.store.update((state) => {
      view.hints = next;
      // The new hint from its first line (the pane keeps the earlier ones above it).
      const heading = this.words.exercise.hintHeading(next, total);
      const lines = hintLines(view, exercisePaneColumns(view, state.size, 'exercise-hints'), state.language);
      state.scroll['exercise-hints'] = { offset: lines.map(lineText).lastIndexOf(heading), follow: false };
      state.notice = heading;
    });
    this.remember(view.exercise, (known) => ({ ...known, hints: Math.max(known.hints ?? 0, next) }));
  }

  /** s: the solution in place of the learner's file (or the file again); before a pass, asks first. */
  toggleSolution(): void {
    const view = this.view;
    if (!view) return;
    if (view.solution !== undefined) return this.showSolution(false);
    if (view.passed) return this.showSolution(true);
    this.store.update((state) => {
      view.confirming = true;
      state.notice = '';
    });
  }

  /** The answer to "show the solution before a pass?". */
  answer(yes: boolean): void {
    const view = this.view;
    if (!view) return;
    this.store.update(() => (view.confirming = false));
    if (yes) this.showSolution(true);
  }

  private showSolution(show: boolean): void {
    const view = this.view;
    if (!view) return;
    this.store.update((state) => {
      view.solution = show ? readOrEmpty(view.exercise.solutionPath) : undefined;
      view.source = readOrEmpty(view.exercise.workPath);
      state.scroll['exercise-file'] = { offset: 0, follow: false };
      state.notice = show ? this.words.exercise.solutionShown(projectPath(view.exercise.solutionPath)) : '';
    });
  }

  /** Tab and shift-Tab in the exercise view. */
  moveFocus(step: number): void {
    const view = this.view;
    if (!view) return;
    const panes = exercisePanes(view);
    const at = panes.indexOf(view.focus);
    this.store.update(() => (view.focus = panes[(at + step + panes.length) % panes.length]));
  }

  /** Arrows in the checks pane: selects another check, whose calls the timeline shows. */
  selectCheck(step: number): void {
    const view = this.view;
    if (!view) return;
    const count = view.verification?.checks.length ?? view.checkNames.length;
    if (count === 0) return;
    const current = selectedCheck(view) ?? (step > 0 ? -1 : count);
    this.store.update((state) => {
      view.selected = Math.min(count - 1, Math.max(0, current + step));
      state.scroll['exercise-timeline'] = { offset: 0, follow: true };
    });
    this.keepSelectedInView();
  }

  /** Scrolls the checks pane so that the selected check and its expected/got lines show. */
  private keepSelectedInView(): void {
    const view = this.view;
    const index = view && selectedCheck(view);
    if (!view || index === undefined) return;
    const { size, scroll } = this.store.state;
    const { lines, starts } = checkBlocks(view, exercisePaneColumns(view, size, 'exercise-checks'));
    const rows = this.store.paneRows('exercise-checks');
    const start = starts[index];
    const end = (starts[index + 1] ?? lines.length) - 1;
    const current = scroll['exercise-checks']?.offset ?? 0;
    const offset =
      start < current ? start : end >= current + rows ? Math.max(0, Math.min(start, end - rows + 1)) : current;
    scroll['exercise-checks'] = { offset, follow: false };
  }

  private watch(exercise: Exercise): void {
    const file = basename(exercise.workPath);
    try {
      // Editors save by renaming a new file over the old one: watch the folder, not the file.
      this.watcher = watch(dirname(exercise.workPath), (_event, name) => {
        if (name !== file) return;
        clearTimeout(this.debounce);
        // Editors save in bursts (write, rename, touch): verify once it settles.
        this.debounce = setTimeout(() => {
          if (this.view?.exercise !== exercise) return;
          this.notice(this.words.exercise.savedVerifying(file));
          void this.verify();
        }, 150);
      });
    } catch (error) {
      this.notice(this.words.ui.cannotWatch(projectPath(dirname(exercise.workPath)), (error as Error).message));
    }
  }

  /** Closes the view: stops the verification (the checker ends what it started) and the watcher. */
  async close(): Promise<void> {
    this.generation += 1;
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    const running = this.running;
    this.running = undefined;
    await running?.stop();
    await this.work.catch(() => {});
    // A verification that started while the first stop was under way.
    await (this.running as RunningVerification | undefined)?.stop();
    this.running = undefined;
    if (this.store.state.exercise) this.store.update((state) => (state.exercise = undefined));
  }
}

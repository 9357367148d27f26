import { useMemo } from 'react';
import { Box } from 'ink';
import type { UiStore } from './store.js';
import type { StyledLine } from './styled.js';
import { StyledText } from './StyledText.js';
import { contentColumns, exerciseLayout, type ExercisePane, type Rect } from './layout.js';
import { useRenderers } from './useRenderers.js';
import { Pane, type LineSource } from './Pane.js';
import { exerciseLabel } from '../exercises/exercises.js';
import { projectPath } from '../exercises/report.js';
import { exerciseTexts } from '../i18n/lessons.js';
import type { ExerciseWords } from '../i18n/exercise-words.js';
import {
  checkBlocks,
  checkTimelineLines,
  checksOf,
  exercisePanes,
  exerciseStatus,
  hintLines,
  outputLines,
  selectedCheck,
} from './exercise-store.js';

/** Each pane's name in the words: its tab on a small terminal. */
const TAB_NAME: Record<ExercisePane, keyof ExerciseWords['tab']> = {
  'exercise-file': 'file',
  'exercise-hints': 'hints',
  'exercise-checks': 'checks',
  'exercise-timeline': 'calls',
  'exercise-output': 'output',
};

/** A pane's lines (the pane cuts each to its width by columns as it draws it). */
const linesOf = (lines: StyledLine[]): LineSource => ({
  length: lines.length,
  slice: (from, to) => lines.slice(from, to),
});

/** The exercise view: the learner's file (or the solution) and the hints; the checks, a check's calls, the output. */
export function ExerciseView({ store }: { store: UiStore }) {
  const { size, exercise: view, language } = store.state;
  // Drawn in the language the UI speaks now: t switches it while the view is open.
  const words = store.words;
  const said = words.exercise;
  const renderers = useRenderers();
  const layout = view ? exerciseLayout(size.columns, size.rows, view.focus, view.hints > 0) : undefined;
  const widthOf = (pane: ExercisePane) =>
    contentColumns(
      layout?.columns.flat().find((entry) => entry.pane === pane)?.rect ?? { width: size.columns, height: 0 },
    );
  const fileWidth = widthOf('exercise-file');
  const shown = view?.solution ?? view?.source ?? '';
  const file = useMemo(() => renderers?.renderSource(shown, fileWidth) ?? [], [renderers, shown, fileWidth]);
  if (!view || !layout) return null;

  const { exercise } = view;
  const checks = checksOf(view);
  const selected = selectedCheck(view);
  const blocks = checkBlocks(view, widthOf('exercise-checks'), words);
  const status = exerciseStatus(view, words);
  const sources: Record<ExercisePane, LineSource> = {
    'exercise-file': linesOf(file),
    'exercise-hints': linesOf(hintLines(view, widthOf('exercise-hints'), language)),
    'exercise-checks': linesOf(blocks.lines),
    'exercise-timeline': linesOf(checkTimelineLines(view, words)),
    'exercise-output': linesOf(outputLines(view)),
  };
  const passing = checks.filter((check) => check.state === 'pass').length;
  const titles: Record<ExercisePane, string> = {
    'exercise-file':
      view.solution !== undefined
        ? said.solutionTitle(projectPath(exercise.solutionPath))
        : said.fileTitle(projectPath(exercise.workPath)),
    'exercise-hints': said.hintsTitle(view.hints, exercise.hints.length),
    'exercise-checks': said.checksTitle(passing, checks.length, view.verifying),
    'exercise-timeline': `${said.callsTitle(selected === undefined ? undefined : checks[selected].name)} · ${words.ui.timelineLegend}`,
    'exercise-output': said.outputTitle[exercise.side],
  };
  // The question before an early solution, else the verification's standing and what the exercise is.
  const topRow: StyledLine = view.confirming
    ? [
        { text: said.confirmQuestion, bold: true, color: 'yellow' },
        { text: said.confirmKeys, dim: true },
      ]
    : [
        { text: said.heading(exerciseLabel(exercise)), bold: true, color: 'cyan' },
        { text: status.text, color: status.color },
        ...(view.passed && !view.verification?.passed ? [{ text: said.passedBefore, color: 'green' }] : []),
        ...(view.passed && view.solution === undefined ? [{ text: said.solutionKey, dim: true }] : []),
        { text: said.about(exerciseTexts(exercise, language).title, exercise.side), dim: true },
      ];
  const paneAt = ({ pane, rect }: { pane: ExercisePane; rect: Rect }) => (
    <Pane
      key={pane}
      store={store}
      id={pane}
      title={titles[pane]}
      lines={sources[pane]}
      width={rect.width}
      height={rect.height}
      focused={pane === view.focus}
      highlight={pane === 'exercise-checks' && selected !== undefined ? blocks.starts[selected] : undefined}
    />
  );

  return (
    <Box flexDirection="column">
      <StyledText line={topRow} width={size.columns} />
      {layout.compact ? (
        <StyledText
          width={size.columns}
          line={exercisePanes(view).map((pane) => ({
            text: ` ${said.tab[TAB_NAME[pane]]} `,
            inverse: pane === view.focus,
            color: pane === view.focus ? 'cyan' : undefined,
          }))}
        />
      ) : null}
      <Box flexDirection="row">
        {layout.columns.map((column, index) => (
          <Box key={index} flexDirection="column">
            {column.map(paneAt)}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

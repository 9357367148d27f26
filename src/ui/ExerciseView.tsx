import { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { UiStore } from './store.js';
import type { StyledLine } from './styled.js';
import { contentColumns, exerciseLayout, type ExercisePane, type Rect } from './layout.js';
import { useRenderers } from './useRenderers.js';
import { Pane, type LineSource } from './Pane.js';
import { exerciseLabel } from '../exercises/exercises.js';
import { projectPath } from '../exercises/report.js';
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

const TAB_NAME: Record<ExercisePane, string> = {
  'exercise-file': 'File',
  'exercise-hints': 'Hints',
  'exercise-checks': 'Checks',
  'exercise-timeline': 'Calls',
  'exercise-output': 'Output',
};

const linesOf = (lines: StyledLine[]): LineSource => ({
  length: lines.length,
  slice: (from, to) => lines.slice(from, to),
});

/** The exercise view: the learner's file (or the solution) and the hints; the checks, a check's calls, the output. */
export function ExerciseView({ store }: { store: UiStore }) {
  const { size, exercise: view } = store.state;
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
  const blocks = checkBlocks(view, widthOf('exercise-checks'));
  const status = exerciseStatus(view);
  const sources: Record<ExercisePane, LineSource> = {
    'exercise-file': linesOf(file),
    'exercise-hints': linesOf(hintLines(view, widthOf('exercise-hints'))),
    'exercise-checks': linesOf(blocks.lines),
    'exercise-timeline': linesOf(checkTimelineLines(view)),
    'exercise-output': linesOf(outputLines(view)),
  };
  const passing = checks.filter((check) => check.state === 'pass').length;
  const titles: Record<ExercisePane, string> = {
    'exercise-file':
      view.solution !== undefined
        ? `Solution, read-only: ${projectPath(exercise.solutionPath)}`
        : `Your file: ${projectPath(exercise.workPath)}`,
    'exercise-hints': `Hints · ${view.hints} of ${exercise.hints.length} · h: next`,
    'exercise-checks': `Checks · ${passing} of ${checks.length} pass${view.verifying ? ' · verifying' : ''}`,
    'exercise-timeline':
      selected === undefined
        ? `Calls · ${store.words.ui.timelineLegend}`
        : `Calls of "${checks[selected].name}" · ${store.words.ui.timelineLegend}`,
    'exercise-output': `Your ${exercise.side}'s output`,
  };
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
      {view.confirming ? (
        <Text wrap="truncate-end">
          <Text bold color="yellow">
            Show the reference solution before your copy passes?
          </Text>
          <Text dimColor> y shows it · n or esc keeps trying</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text bold color="cyan">{`exercise ${exerciseLabel(exercise)} `}</Text>
          <Text color={status.color}>{status.text}</Text>
          {view.passed && !view.verification?.passed ? <Text color="green"> (passed before)</Text> : null}
          {view.passed && view.solution === undefined ? <Text dimColor> · s shows the solution</Text> : null}
          <Text dimColor>{` · ${exercise.title} (you write the ${exercise.side})`}</Text>
        </Text>
      )}
      {layout.compact ? (
        <Text wrap="truncate-end">
          {exercisePanes(view).map((pane) => (
            <Text key={pane} inverse={pane === view.focus} color={pane === view.focus ? 'cyan' : undefined}>
              {` ${TAB_NAME[pane]} `}
            </Text>
          ))}
        </Text>
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

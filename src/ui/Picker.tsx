import { Fragment } from 'react';
import { Box, Text } from 'ink';
import { LESSONS, lessonNumberText } from '../lessons.js';
import type { UiStore } from './store.js';
import { wrapWords } from './help-lines.js';
import { exercisesOf } from '../exercises/exercises.js';
import { lessonSummary, lessonTitle } from '../i18n/lessons.js';
import { StyledText } from './StyledText.js';

/** The pointer and the completed mark before each row: "> ✓ ". */
const POINTER_COLUMNS = 4;

export function Picker({ store }: { store: UiStore }) {
  const { pickerIndex, completed, size, exerciseProgress, language } = store.state;
  const words = store.words.ui;
  const done = LESSONS.filter((lesson) => completed.has(lesson.slug)).length;
  const selected = LESSONS[pickerIndex];
  // The summary, wrapped as Ink will wrap it, inside the one-column padding on each side.
  const summary = wrapWords(lessonSummary(selected, language), size.columns - 2);
  // Rows left for the list: the frame is one row short of the screen, and the title, the blurb,
  // the range row, a blank row, the summary, the completed note and the footer take the rest.
  const listRows = Math.max(3, size.rows - 1 - 6 - summary.length);
  const first = Math.min(Math.max(0, pickerIndex - Math.floor(listRows / 2)), Math.max(0, LESSONS.length - listRows));
  const shown = LESSONS.slice(first, first + listRows);
  return (
    <Box flexDirection="column" paddingX={1} width={size.columns}>
      <Text bold color="cyan">
        {words.pickerTitle}
        {done ? <Text dimColor>{words.pickerCompleted(done, LESSONS.length)}</Text> : null}
      </Text>
      <StyledText line={[{ text: words.pickerBlurb, dim: true }]} width={size.columns - 2} />
      <Text dimColor>
        {shown.length < LESSONS.length ? words.pickerRange(first + 1, first + shown.length, LESSONS.length) : ' '}
      </Text>
      <Box>
        {/* The pointer and the ✓ marks in a column of their own: the rows beside them stay ASCII, which
            Ink measures on a fast path, so only these few cells take string-width's slow one. */}
        <Text>
          {shown.map((lesson, offset) => (
            <Fragment key={lesson.slug}>
              {offset ? '\n' : ''}
              <Text inverse={first + offset === pickerIndex}>
                {first + offset === pickerIndex ? '> ' : '  '}
                {completed.has(lesson.slug) ? <Text color="green">✓</Text> : ' '}{' '}
              </Text>
            </Fragment>
          ))}
        </Text>
        <Box flexDirection="column" flexGrow={1}>
          {shown.map((lesson, offset) => {
            // Exercises passed of the lesson's exercises: "ex 1/2".
            const exercises = exercisesOf(lesson);
            const passed = exercises.filter((exercise) => exerciseProgress.get(exercise.key)?.passed).length;
            return (
              <StyledText
                key={lesson.slug}
                inverse={first + offset === pickerIndex}
                // The width left of the padding and the pointer column: cut by columns, as a Chinese title may need.
                width={size.columns - 2 - POINTER_COLUMNS}
                line={[
                  { text: `${lessonNumberText(lesson.number)} ${lessonTitle(lesson, language)}` },
                  ...(exercises.length
                    ? [
                        {
                          text: words.pickerExercises(passed, exercises.length),
                          color: passed === exercises.length ? 'green' : 'yellow',
                        },
                      ]
                    : []),
                  {
                    text: ` [${lesson.kinds.map((kind) => words.pickerKind[kind]).join(words.listSeparator)}]`,
                    dim: true,
                  },
                ]}
              />
            );
          })}
        </Box>
      </Box>
      <Text> </Text>
      {summary.map((line, index) => (
        <Text key={index}>{line}</Text>
      ))}
      {done ? <StyledText line={[{ text: words.completedNote, dim: true }]} width={size.columns - 2} /> : null}
    </Box>
  );
}

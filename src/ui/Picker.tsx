import { Box, Text } from 'ink';
import { LESSONS } from '../lessons.js';
import type { UiStore } from './store.js';

const KIND_LABEL = {
  unary: 'unary',
  'server-streaming': 'server stream',
  'client-streaming': 'client stream',
  'bidi-streaming': 'bidi stream',
} as const;

export function Picker({ store }: { store: UiStore }) {
  const { pickerIndex, completed, size } = store.state;
  const done = LESSONS.filter((lesson) => completed.has(lesson.slug)).length;
  const selected = LESSONS[pickerIndex];
  return (
    <Box flexDirection="column" paddingX={1} width={size.columns}>
      <Text bold color="cyan">
        gRPC, live: pick a lesson
        {done ? (
          <Text dimColor>
            {' '}
            ({done} of {LESSONS.length} completed)
          </Text>
        ) : null}
      </Text>
      <Text dimColor wrap="truncate-end">
        Each lesson runs a real server and client on loopback and shows every message on the wire.
      </Text>
      <Text> </Text>
      {LESSONS.map((lesson, index) => {
        const current = index === pickerIndex;
        return (
          <Text key={lesson.slug} wrap="truncate-end" inverse={current}>
            {current ? '▶ ' : '  '}
            {completed.has(lesson.slug) ? <Text color="green">✓ </Text> : '  '}
            {String(lesson.number).padStart(2, '0')} {lesson.title}
            <Text dimColor> [{lesson.kinds.map((kind) => KIND_LABEL[kind]).join(', ')}]</Text>
          </Text>
        );
      })}
      <Text> </Text>
      <Text wrap="wrap">{selected.summary}</Text>
      {done ? (
        <Text dimColor wrap="truncate-end">
          ✓ completed: the lesson's client ran and exited 0 here
        </Text>
      ) : null}
    </Box>
  );
}

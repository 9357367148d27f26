import { Text } from 'ink';
import { lessonNumberText } from '../lessons.js';
import { listedClientStatus, type UiStore } from './store.js';
import { formatNames } from './names.js';

/** A server's label in the header: green while it listens. */
const SERVER_COLOR = { listening: 'green', starting: 'yellow', stopped: 'gray', exited: 'red' } as const;

export function Header({ store }: { store: UiStore }) {
  const { lesson, server, client, names, nameDraft, deadlineDraft, deadlineMs, readingPaused, linePrompt, switchesOn } =
    store.state;
  // The names prompt takes the status row while it is open; the footer lists its keys.
  if (nameDraft !== undefined) {
    return (
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          names ›{' '}
        </Text>
        <Text>{nameDraft}</Text>
        <Text inverse> </Text>
        <Text dimColor>{'  comma-separated · "" is an empty name · empty line: the lesson\'s own'}</Text>
      </Text>
    );
  }
  if (linePrompt !== undefined) {
    return (
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          {linePrompt.client} ›{' '}
        </Text>
        <Text>{linePrompt.text}</Text>
        <Text inverse> </Text>
        <Text dimColor>{`  enter writes the line to ${linePrompt.client}'s stdin · esc closes`}</Text>
      </Text>
    );
  }
  if (deadlineDraft !== undefined) {
    return (
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          deadline ›{' '}
        </Text>
        <Text>{deadlineDraft}</Text>
        <Text inverse> </Text>
        <Text dimColor>{" ms for every call of the client's runs · empty line: the lesson's own"}</Text>
      </Text>
    );
  }
  const serverText =
    server.state === 'listening'
      ? { text: `listening on 127.0.0.1:${server.port}`, color: 'green' }
      : server.state === 'exited'
        ? { text: `exited (${server.signal ?? `code ${server.code}`})`, color: server.expected ? 'gray' : 'red' }
        : { text: server.state, color: 'yellow' };
  const clientText =
    client.state === 'running'
      ? { text: `run ${client.run} ${readingPaused ? 'not reading' : 'running'}`, color: 'yellow' }
      : client.state === 'exited'
        ? {
            text: `run ${client.run} exited ${client.signal ?? client.code}`,
            color: client.code === 0 ? 'green' : 'red',
          }
        : { text: 'idle', color: 'gray' };
  return (
    <Text wrap="truncate-end">
      <Text bold color="cyan">
        {lessonNumberText(lesson.number)} {lesson.title}
      </Text>
      {lesson.servers ? (
        // Each of several servers: its label, coloured by what it does (its pane's title says more).
        <>
          <Text dimColor> · servers</Text>
          {[...store.state.listedServers].map(([label, { server: listed }]) => (
            <Text key={label} color={SERVER_COLOR[listed.state]}>{` ${label}`}</Text>
          ))}
        </>
      ) : (
        <>
          <Text dimColor> · server </Text>
          <Text color={serverText.color}>{serverText.text}</Text>
        </>
      )}
      {lesson.clients ? (
        // Each of several clients: its label and whether it runs (its pane's title says more).
        [...store.state.listedClients].map(([label, listed]) => (
          <Text key={label}>
            <Text dimColor>{` · ${label} `}</Text>
            <Text color={listed.client.state === 'running' ? 'yellow' : 'gray'}>{listedClientStatus(listed)}</Text>
          </Text>
        ))
      ) : (
        <>
          <Text dimColor> · client </Text>
          <Text color={clientText.color}>{clientText.text}</Text>
        </>
      )}
      {deadlineMs === undefined ? null : (
        <>
          <Text dimColor> · deadline </Text>
          <Text color="magenta">{`${deadlineMs} ms`}</Text>
        </>
      )}
      {lesson.clients ? null : (
        <>
          {lesson.switches
            ?.filter((entry) => switchesOn.has(entry.key))
            .map((entry) => (
              <Text key={entry.key}>
                <Text dimColor> · </Text>
                <Text color="magenta">{entry.label}</Text>
              </Text>
            ))}
          <Text dimColor> · names </Text>
          <Text>{names?.length ? formatNames(names) : "lesson's own"}</Text>
        </>
      )}
    </Text>
  );
}

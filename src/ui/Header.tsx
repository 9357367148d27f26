import { Text } from 'ink';
import { lessonNumberText } from '../lessons.js';
import { lessonTitle, switchWords } from '../i18n/lessons.js';
import { listedClientStatus, type UiStore } from './store.js';
import { formatNames } from './names.js';

/** A server's label in the header: green while it listens. */
const SERVER_COLOR = { listening: 'green', starting: 'yellow', stopped: 'gray', exited: 'red' } as const;

export function Header({ store }: { store: UiStore }) {
  const { lesson, server, client, names, nameDraft, deadlineDraft, deadlineMs, readingPaused, linePrompt, switchesOn } =
    store.state;
  const words = store.words.ui;
  // The names prompt takes the status row while it is open; the footer lists its keys.
  if (nameDraft !== undefined) {
    return (
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          {words.namesPrompt}
        </Text>
        <Text>{nameDraft}</Text>
        <Text inverse> </Text>
        <Text dimColor>{words.namesPromptHint}</Text>
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
        <Text dimColor>{words.linePromptHint(linePrompt.client)}</Text>
      </Text>
    );
  }
  if (deadlineDraft !== undefined) {
    return (
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          {words.deadlinePrompt}
        </Text>
        <Text>{deadlineDraft}</Text>
        <Text inverse> </Text>
        <Text dimColor>{words.deadlinePromptHint}</Text>
      </Text>
    );
  }
  const serverText =
    server.state === 'listening'
      ? { text: words.listening(server.port), color: 'green' }
      : server.state === 'exited'
        ? {
            text: words.serverExited(server.signal ?? words.exitCode(server.code)),
            color: server.expected ? 'gray' : 'red',
          }
        : { text: words.serverState[server.state], color: 'yellow' };
  const clientText =
    client.state === 'running'
      ? { text: words.clientRunning(client.run, !readingPaused), color: 'yellow' }
      : client.state === 'exited'
        ? {
            text: words.clientExited(client.run, client.signal ?? String(client.code)),
            color: client.code === 0 ? 'green' : 'red',
          }
        : { text: words.clientIdle, color: 'gray' };
  return (
    <Text wrap="truncate-end">
      <Text bold color="cyan">
        {lessonNumberText(lesson.number)} {lessonTitle(lesson, store.state.language)}
      </Text>
      {lesson.servers ? (
        // Each of several servers: its label, coloured by what it does (its pane's title says more).
        <>
          <Text dimColor>{` · ${words.servers}`}</Text>
          {[...store.state.listedServers].map(([label, { server: listed }]) => (
            <Text key={label} color={SERVER_COLOR[listed.state]}>{` ${label}`}</Text>
          ))}
        </>
      ) : (
        <>
          <Text dimColor>{` · ${words.server} `}</Text>
          <Text color={serverText.color}>{serverText.text}</Text>
        </>
      )}
      {lesson.clients ? (
        // Each of several clients: its label and whether it runs (its pane's title says more).
        [...store.state.listedClients].map(([label, listed]) => (
          <Text key={label}>
            <Text dimColor>{` · ${label} `}</Text>
            <Text color={listed.client.state === 'running' ? 'yellow' : 'gray'}>
              {listedClientStatus(listed, words)}
            </Text>
          </Text>
        ))
      ) : (
        <>
          <Text dimColor>{` · ${words.client} `}</Text>
          <Text color={clientText.color}>{clientText.text}</Text>
        </>
      )}
      {deadlineMs === undefined ? null : (
        <>
          <Text dimColor>{` · ${words.deadline} `}</Text>
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
                <Text color="magenta">{switchWords(lesson, entry.key, store.state.language).label}</Text>
              </Text>
            ))}
          <Text dimColor>{` · ${words.names} `}</Text>
          <Text>{names?.length ? formatNames(names) : words.lessonsOwnNames}</Text>
        </>
      )}
    </Text>
  );
}

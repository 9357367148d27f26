import { lessonNumberText } from '../lessons.js';
import { lessonTitle, switchWords } from '../i18n/lessons.js';
import { listedClientStatus, type UiStore } from './store.js';
import { formatNames } from './names.js';
import type { StyledLine } from './styled.js';
import { StyledText } from './StyledText.js';
import { columns, graphemes } from './width.js';

/** A server's label in the header: green while it listens. */
const SERVER_COLOR = { listening: 'green', starting: 'yellow', stopped: 'gray', exited: 'red' } as const;

/**
 * A prompt's row: what it asks, the text typed so far, the cursor, and a dim
 * reminder of what the text means. Text longer than the row shows its end,
 * where the cursor is: the start gives way to an ellipsis.
 */
function promptRow(label: string, typed: string, reminder: string, width: number): StyledLine {
  const room = Math.max(2, width - columns(label) - 1);
  let shown = typed;
  if (columns(typed) > room) {
    const kept: string[] = [];
    let used = 1;
    for (const character of graphemes(typed).reverse()) {
      if (used + columns(character) > room) break;
      kept.unshift(character);
      used += columns(character);
    }
    shown = `…${kept.join('')}`;
  }
  return [
    { text: label, bold: true, color: 'cyan' },
    { text: shown },
    { text: ' ', inverse: true },
    { text: reminder, dim: true },
  ];
}

/** The header's one row, as styled text: cut at the terminal's edge by columns, since it may hold Chinese. */
function headerLine(store: UiStore): StyledLine {
  const { lesson, server, client, names, nameDraft, deadlineDraft, deadlineMs, readingPaused, linePrompt, switchesOn } =
    store.state;
  const words = store.words.ui;
  // A prompt takes the status row while it is open; the footer lists its keys.
  const width = store.state.size.columns;
  if (nameDraft !== undefined) return promptRow(words.namesPrompt, nameDraft, words.namesPromptHint, width);
  if (linePrompt !== undefined)
    return promptRow(`${linePrompt.client} › `, linePrompt.text, words.linePromptHint(linePrompt.client), width);
  if (deadlineDraft !== undefined)
    return promptRow(words.deadlinePrompt, deadlineDraft, words.deadlinePromptHint, width);

  const line: StyledLine = [
    {
      text: `${lessonNumberText(lesson.number)} ${lessonTitle(lesson, store.state.language)}`,
      bold: true,
      color: 'cyan',
    },
  ];
  if (lesson.servers) {
    // Each of several servers: its label, coloured by what it does (its pane's title says more).
    line.push({ text: ` · ${words.servers}`, dim: true });
    for (const [label, { server: listed }] of store.state.listedServers)
      line.push({ text: ` ${label}`, color: SERVER_COLOR[listed.state] });
  } else {
    const serverText =
      server.state === 'listening'
        ? { text: words.listening(server.port), color: 'green' }
        : server.state === 'exited'
          ? {
              text: words.serverExited(server.signal ?? words.exitCode(server.code)),
              color: server.expected ? 'gray' : 'red',
            }
          : { text: words.serverState[server.state], color: 'yellow' };
    line.push({ text: words.headerLabel(words.server), dim: true }, serverText);
  }
  if (lesson.clients) {
    // Each of several clients: its label and whether it runs (its pane's title says more).
    for (const [label, listed] of store.state.listedClients)
      line.push(
        { text: words.headerLabel(label), dim: true },
        { text: listedClientStatus(listed, words), color: listed.client.state === 'running' ? 'yellow' : 'gray' },
      );
  } else {
    const clientText =
      client.state === 'running'
        ? { text: words.clientRunning(client.run, !readingPaused), color: 'yellow' }
        : client.state === 'exited'
          ? {
              text: words.clientExited(client.run, client.code, client.signal),
              color: client.code === 0 ? 'green' : 'red',
            }
          : { text: words.clientIdle, color: 'gray' };
    line.push({ text: words.headerLabel(words.client), dim: true }, clientText);
  }
  if (deadlineMs !== undefined)
    line.push(
      { text: words.headerLabel(words.deadline), dim: true },
      { text: words.milliseconds(deadlineMs), color: 'magenta' },
    );
  if (!lesson.clients) {
    for (const entry of lesson.switches ?? []) {
      if (!switchesOn.has(entry.key)) continue;
      line.push(
        { text: ' · ', dim: true },
        { text: switchWords(lesson, entry.key, store.state.language).label, color: 'magenta' },
      );
    }
    line.push(
      { text: words.headerLabel(words.names), dim: true },
      { text: names?.length ? formatNames(names) : words.lessonsOwnNames },
    );
  }
  return line;
}

export function Header({ store }: { store: UiStore }) {
  return <StyledText line={headerLine(store)} width={store.state.size.columns} />;
}

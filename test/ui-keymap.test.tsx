// The key tables: every key of every row, typed as the bytes a terminal sends
// and parsed by Ink itself, reaches its own row; nothing shadows it.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { useInput, Text, type Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import {
  KEYMAP,
  bindingFor,
  footerKeyText,
  hintsFor,
  keystrokes,
  keysText,
  shown,
  type KeyDescriptor,
  type KeyName,
  type Mode,
} from '../src/ui/keymap.js';
import { waitFor } from './helpers.js';

afterEach(() => cleanup());

const BYTES: Record<KeyName, string> = {
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  return: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
};

/** What a terminal sends for a key. */
function bytesOf(descriptor: KeyDescriptor): string {
  if (descriptor.name === 'tab' && descriptor.shift) return '\x1b[Z';
  if (descriptor.name) return BYTES[descriptor.name];
  if (descriptor.ctrl) return String.fromCharCode(descriptor.input!.charCodeAt(0) - 0x60);
  return descriptor.input!;
}

/** A one-component Ink app that records what useInput hands it. */
function recorder() {
  const seen: [string, Key][] = [];
  function Recorder() {
    useInput((input, key) => void seen.push([input, key]));
    return <Text>keys</Text>;
  }
  const app = render(<Recorder />);
  return { app, seen };
}

test('every key of every table, parsed by Ink, selects its own row', async () => {
  const { app, seen } = recorder();
  for (const mode of Object.keys(KEYMAP) as Mode[]) {
    for (const binding of KEYMAP[mode]) {
      for (const descriptor of binding.keys) {
        const before = seen.length;
        app.stdin.write(bytesOf(descriptor));
        const [input, key] = await waitFor(() => seen[before], `Ink to report ${JSON.stringify(descriptor)}`);
        assert.equal(
          bindingFor(mode, input, key),
          binding,
          `${mode}: ${JSON.stringify(descriptor)} selects "${bindingFor(mode, input, key)?.text}", not "${binding.text}"`,
        );
      }
    }
  }
});

test('typed characters that are not keys of the names prompt are left for the name', () => {
  const noKey = keystrokes('a', { ctrl: false, meta: false } as Key)[0][1];
  for (const char of ['q', 'a', 'Z', ' ', ',', '"', 'é'])
    assert.equal(bindingFor('names', char, noKey), undefined, `"${char}" is taken by a key`);
});

test('keys are written as the help and footer show them', () => {
  assert.equal(keysText([{ input: 'q' }, { input: 'c', ctrl: true }]), 'q ctrl-c');
  assert.equal(keysText([{ name: 'tab', shift: true }]), 'shift-tab');
  assert.equal(keysText([{ name: 'up' }, { input: 'k' }]), '↑ k');
  const digits = '123456789'.split('').map((input) => ({ input }));
  assert.equal(keysText(digits), '1-9');
  assert.equal(footerKeyText({ keys: digits, action: 'open' }), '1-9');
  assert.deepEqual(
    hintsFor('wire').map((binding) => binding.label),
    KEYMAP.wire.filter((binding) => binding.footer).map((binding) => shown(binding).label),
  );
});

test('a chunk of several keys is split into the keystrokes Ink would report one by one', () => {
  const chunk = keystrokes('nn', { ctrl: false, meta: false } as Key);
  assert.deepEqual(
    chunk.map(([input]) => input),
    ['n', 'n'],
  );
  const edits = keystrokes('ab\x7f\b\x15\x03\r', { ctrl: false, meta: false } as Key);
  assert.deepEqual(
    edits.map(([input, key]) => [input, key.delete || key.backspace, key.ctrl, key.return]),
    [
      ['a', false, false, false],
      ['b', false, false, false],
      ['', true, false, false],
      ['', true, false, false],
      ['u', false, true, false],
      ['c', false, true, false],
      ['', false, false, true],
    ],
  );
});

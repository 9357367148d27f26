// TypeScript source as coloured lines, from highlight.js's TypeScript grammar.
// Only that grammar is registered, on a private instance whose emitter builds
// styled segments directly instead of HTML.
import hljsCore from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import type { Emitter } from 'highlight.js';
import type { Segment, StyledLine } from './styled.js';
import { sameStyle, type Style } from './width.js';

const COMMENT: Style = { color: 'gray', italic: true };

// highlight.js scope names (see its docs, "Scope Reference") to terminal styles.
// A dotted scope falls back to its first part: `title.class.inherited` -> `title.class` -> `title`.
const SCOPE_STYLE: Record<string, Style> = {
  comment: COMMENT,
  doctag: { ...COMMENT, bold: true },
  keyword: { color: 'magenta' },
  'variable.language': { color: 'magenta' },
  literal: { color: 'yellow' },
  number: { color: 'yellow' },
  string: { color: 'green' },
  regexp: { color: 'green' },
  subst: {},
  built_in: { color: 'cyan' },
  type: { color: 'cyan' },
  'title.class': { color: 'cyan' },
  title: { color: 'blue' },
  meta: { color: 'gray' },
};

function styleOf(scopes: readonly string[]): Style {
  for (let index = scopes.length - 1; index >= 0; index--) {
    const parts = scopes[index].split('.');
    for (let length = parts.length; length > 0; length--) {
      const style = SCOPE_STYLE[parts.slice(0, length).join('.')];
      if (style) return style;
    }
  }
  return {};
}

/** Receives highlight.js's scopes and text, and keeps them as styled lines. */
class SegmentEmitter implements Emitter {
  readonly lines: Segment[][] = [[]];
  private readonly scopes: string[] = [];

  startScope(name: string): void {
    this.scopes.push(name);
  }
  endScope(): void {
    this.scopes.pop();
  }
  // The names highlight.js 11 calls for a grammar's own modes (not in its typings).
  openNode(name: string): void {
    this.startScope(name);
  }
  closeNode(): void {
    this.endScope();
  }
  addText(text: string): void {
    const style = styleOf(this.scopes);
    text.split('\n').forEach((part, index) => {
      if (index > 0) this.lines.push([]);
      if (!part) return;
      const line = this.lines[this.lines.length - 1];
      const last = line[line.length - 1];
      // highlight.js hands over text in small pieces; one segment per run of a style.
      if (last && sameStyle(last, style)) last.text += part;
      else line.push({ text: part, ...style });
    });
  }
  __addSublanguage(emitter: Emitter): void {
    // Only TypeScript is registered, so this is never called with real work.
    if (!(emitter instanceof SegmentEmitter)) return;
    const [head, ...tail] = emitter.lines;
    this.lines[this.lines.length - 1].push(...head);
    this.lines.push(...tail);
  }
  finalize(): void {}
  toHTML(): string {
    return '';
  }
}

const hljs = hljsCore.newInstance();
hljs.registerLanguage('typescript', typescript);
hljs.configure({ __emitter: SegmentEmitter });

export function highlightTypeScript(source: string): StyledLine[] {
  const code = source.replace(/\r/g, '').replace(/\n$/, '');
  const { _emitter: emitter } = hljs.highlight(code, { language: 'typescript', ignoreIllegals: true });
  return emitter instanceof SegmentEmitter ? emitter.lines : code.split('\n').map((line) => [{ text: line }]);
}

const isComment = (segment: Segment) => segment.color === COMMENT.color && segment.italic === COMMENT.italic;

/** A line that holds nothing but a comment (and the indentation before it). */
export function isCommentLine(line: StyledLine): boolean {
  const content = line.filter((segment) => segment.text.trim() !== '');
  return content.length > 0 && content.every(isComment);
}

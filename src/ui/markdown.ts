// Lesson text (a small, known subset of Markdown) as styled, wrapped lines.
import type { Segment, StyledLine } from './styled.js';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*|\[[^\]]+\]\([^)]+\))/;

function inline(text: string, base: Omit<Segment, 'text'> = {}): Segment[] {
  return text
    .split(INLINE)
    .filter((part) => part !== '')
    .map((part): Segment => {
      if (part.startsWith('`')) return { ...base, text: part.slice(1, -1), color: 'yellow' };
      if (part.startsWith('**')) return { ...base, text: part.slice(2, -2), bold: true };
      if (part.startsWith('*')) return { ...base, text: part.slice(1, -1), italic: true };
      if (part.startsWith('[')) return { ...base, text: part.slice(1, part.indexOf(']')), color: 'blue' };
      return { ...base, text: part };
    });
}

/** Greedy word wrap that keeps each word's style; `indent` starts every line after the first. */
function wrap(segments: Segment[], width: number, firstPrefix: Segment[], indent: string): StyledLine[] {
  const words: Segment[] = segments.flatMap((segment) =>
    segment.text
      .split(/(\s+)/)
      .filter((word) => word !== '')
      .map((word) => ({ ...segment, text: word })),
  );
  const lines: StyledLine[] = [];
  let line: Segment[] = [...firstPrefix];
  let used = firstPrefix.reduce((sum, segment) => sum + segment.text.length, 0);
  const startWidth = used;
  for (const word of words) {
    const isSpace = /^\s+$/.test(word.text);
    if (isSpace) {
      if (used > startWidth || lines.length > 0) {
        line.push({ ...word, text: ' ' });
        used += 1;
      }
      continue;
    }
    if (used + word.text.length > width && used > indent.length) {
      while (line.length && /^\s+$/.test(line[line.length - 1].text)) line.pop();
      lines.push(line);
      line = indent ? [{ text: indent }] : [];
      used = indent.length;
    }
    line.push(word);
    used += word.text.length;
  }
  while (line.length && /^\s+$/.test(line[line.length - 1].text)) line.pop();
  lines.push(line);
  return lines;
}

export function renderMarkdown(source: string, width: number): StyledLine[] {
  const out: StyledLine[] = [];
  const lines = source.replace(/\r/g, '').split('\n');
  const safeWidth = Math.max(10, width);
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(...wrap(inline(paragraph.join(' ')), safeWidth, [], ''));
    paragraph = [];
  };
  const blank = () => {
    if (out.length && out[out.length - 1].length !== 0) out.push([]);
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.startsWith('```')) {
      flush();
      blank();
      for (index++; index < lines.length && !lines[index].startsWith('```'); index++) {
        out.push([{ text: `  ${lines[index]}`, color: 'green' }]);
      }
      blank();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blank();
      const level = heading[1].length;
      out.push(inline(heading[2], { bold: true, color: level === 1 ? 'cyan' : 'magenta' }));
      if (level === 1) out.push([{ text: '─'.repeat(Math.min(safeWidth, heading[2].length)), color: 'cyan' }]);
      continue;
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      flush();
      // Continuation lines of the item are indented under it.
      let text = item[3];
      while (index + 1 < lines.length && /^\s{2,}\S/.test(lines[index + 1]) && !/^\s*([-*]|\d+\.)\s/.test(lines[index + 1])) {
        text += ` ${lines[++index].trim()}`;
      }
      const marker = /^\d/.test(item[2]) ? `${item[2]} ` : '• ';
      const prefix = `${item[1]}${marker}`;
      out.push(...wrap(inline(text), safeWidth, [{ text: prefix, color: 'cyan' }], ' '.repeat(prefix.length)));
      continue;
    }
    if (line.trim() === '') {
      flush();
      blank();
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

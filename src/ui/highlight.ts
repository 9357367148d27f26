// TypeScript source as coloured lines: comments, strings, keywords, numbers.
// A lexer of a few rules, enough for reading lesson code, not a parser.
import type { Segment, StyledLine } from './styled.js';

const KEYWORDS = new Set(
  'import export from as const let var function return if else for of in while do break continue new class extends implements interface type async await try catch finally throw typeof instanceof void null undefined true false this switch case default readonly private public static'.split(' '),
);

const TOKEN = /(\/\/.*$)|(\/\*)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)|(\s+|.)/g;

export function highlightTypeScript(source: string): StyledLine[] {
  let inBlockComment = false;
  return source.replace(/\r/g, '').replace(/\n$/, '').split('\n').map((line) => {
    const segments: Segment[] = [];
    let rest = line;
    if (inBlockComment) {
      const end = rest.indexOf('*/');
      if (end === -1) return [{ text: rest, color: 'gray' }];
      segments.push({ text: rest.slice(0, end + 2), color: 'gray' });
      rest = rest.slice(end + 2);
      inBlockComment = false;
    }
    for (const match of rest.matchAll(TOKEN)) {
      const [text, comment, blockStart, string, number, word] = match;
      if (comment) segments.push({ text, color: 'gray', italic: true });
      else if (blockStart) {
        const tail = rest.slice(match.index);
        const end = tail.indexOf('*/', 2);
        segments.push({ text: end === -1 ? tail : tail.slice(0, end + 2), color: 'gray' });
        if (end === -1) inBlockComment = true;
        else segments.push(...highlightTypeScript(tail.slice(end + 2))[0]);
        break;
      } else if (string) segments.push({ text, color: 'green' });
      else if (number) segments.push({ text, color: 'yellow' });
      else if (word && KEYWORDS.has(word)) segments.push({ text, color: 'magenta' });
      else if (word && /^[A-Z]/.test(word)) segments.push({ text, color: 'cyan' });
      else segments.push({ text });
    }
    return segments;
  });
}

// Styled text as data: what the panes render, and what tests can read.
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  italic?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export type StyledLine = Segment[];

export function plain(text: string, style: Omit<Segment, 'text'> = {}): StyledLine {
  return [{ text, ...style }];
}

export function lineText(line: StyledLine): string {
  return line.map((segment) => segment.text).join('');
}

// A pane's title row: the title on the left, the position indicator on the
// right, together never wider than the row. What gives way is the end of the
// title (the legend after the pane's name), never the indicator. Widths are
// terminal columns: a Chinese character takes two.
import { columns, graphemes } from './width.js';

export interface TitleRow {
  title: string;
  gap: string;
  indicator: string;
}

const ELLIPSIS = '…';

/** Cuts `text` to at most `width` columns, ending in an ellipsis when it was cut; never halves a wide character. */
export function truncate(text: string, width: number): string {
  if (columns(text) <= width) return text;
  if (width <= 0) return '';
  let kept = '';
  let used = 0;
  for (const character of graphemes(text)) {
    const size = columns(character);
    if (used + size > width - 1) break;
    kept += character;
    used += size;
  }
  return kept + ELLIPSIS;
}

export function fitTitleRow(title: string, indicator: string, width: number): TitleRow {
  const shownIndicator = truncate(indicator, Math.max(0, width));
  const indicatorWidth = columns(shownIndicator);
  // One column between the two, when there is an indicator.
  const room = width - indicatorWidth - (indicatorWidth > 0 ? 1 : 0);
  const shownTitle = truncate(title, Math.max(0, room));
  const gap = ' '.repeat(Math.max(0, width - columns(shownTitle) - indicatorWidth));
  return { title: shownTitle, gap, indicator: shownIndicator };
}

// A pane's title row: the title on the left, the position indicator on the
// right, together never wider than the row. What gives way is the end of the
// title (the legend after the pane's name), never the indicator.

export interface TitleRow {
  title: string;
  gap: string;
  indicator: string;
}

const ELLIPSIS = '…';

/** Cuts `text` to at most `width` columns, ending in an ellipsis when it was cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  return chars.slice(0, width - 1).join('') + ELLIPSIS;
}

export function fitTitleRow(title: string, indicator: string, width: number): TitleRow {
  const shownIndicator = truncate(indicator, Math.max(0, width));
  const indicatorWidth = [...shownIndicator].length;
  // One column between the two, when there is an indicator.
  const room = width - indicatorWidth - (indicatorWidth > 0 ? 1 : 0);
  const shownTitle = truncate(title, Math.max(0, room));
  const gap = ' '.repeat(Math.max(0, width - [...shownTitle].length - indicatorWidth));
  return { title: shownTitle, gap, indicator: shownIndicator };
}

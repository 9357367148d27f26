// The lesson text and source renderers bring in marked and highlight.js. They
// load when a lesson is first shown, so the picker's first frame never waits
// for them; until then the two panes are empty for a frame or two.
import { useEffect, useState } from 'react';
import type { renderMarkdown } from './markdown.js';
import type { renderSource } from './source.js';

export interface Renderers {
  renderMarkdown: typeof renderMarkdown;
  renderSource: typeof renderSource;
}

let loaded: Renderers | undefined;
let loading: Promise<Renderers> | undefined;

export function loadRenderers(): Promise<Renderers> {
  loading ??= Promise.all([import('./markdown.js'), import('./source.js')]).then(([markdown, source]) => {
    loaded = { renderMarkdown: markdown.renderMarkdown, renderSource: source.renderSource };
    return loaded;
  });
  return loading;
}

/** The renderers once loaded; the first call starts loading them. */
export function useRenderers(): Renderers | undefined {
  const [renderers, setRenderers] = useState(loaded);
  useEffect(() => {
    if (renderers) return;
    let current = true;
    void loadRenderers().then((ready) => current && setRenderers(ready));
    return () => {
      current = false;
    };
  }, [renderers]);
  return renderers;
}

// Text that comes from a peer (a name, a reply, status details, a URL) can
// carry terminal control sequences: ESC ] 0 ; … BEL retitles the learner's
// window, ESC [ 2 J clears it, a bare CR overwrites the line. Whatever the
// tutorial prints from a peer goes through here first, so those bytes reach the
// terminal as visible text (\x1b) instead of as commands.

/** C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F, CSI among them). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

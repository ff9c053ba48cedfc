// Text from input files (lines, names, messages, file names) is shown with every control character escaped, so a
// corrupt or hostile file cannot move the cursor, clear the screen, ring the bell or retitle the terminal.
// Covered: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F; U+009B is a one-character CSI on some terminals).

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with each control character written as `\n`, `\r`, `\t` or `\xHH`; other text is unchanged. */
export function printable(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Like `printable`, but keeps line breaks: for multi-line text the program itself composes. */
export function printableLines(text: string): string {
  if (!HAS_CONTROL.test(text)) return text;
  return text.split('\n').map(printable).join('\n');
}

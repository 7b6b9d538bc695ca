/**
 * Text for a terminal that shows hostile values but never lets them act.
 *
 * kentra prints what logs, clusters and Entra hand it: user agents, object
 * names, request URIs, display names, error messages from servers. A value
 * holding ESC (`\x1b[2J` clears the screen, OSC 8 makes a fake link, OSC 52
 * writes the clipboard), a C1 control (U+009B is a one-byte CSI on some
 * terminals), a carriage return or backspace (overprints what came before) or
 * a bidirectional override (Trojan Source, CVE-2021-42574) could rewrite what a
 * person reads. Every human-readable renderer passes values through here:
 *
 * - `displayValue`: one value on one line; every control becomes a visible
 *   escape (`\x1b`, `\n`, `\u202e`).
 * - `terminalText`: a whole document kentra composed; line breaks stay, every
 *   other control is escaped the same way (defence in depth over displayValue).
 * - `fitCell`: displayValue cut to a bounded column width, so one long value
 *   cannot push a table apart.
 */

// C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), bidi embeddings/overrides/isolates
// (U+202A-U+202E, U+2066-U+2069), LRM/RLM/ALM (U+200E, U+200F, U+061C), line and
// paragraph separators (U+2028, U+2029). Built from strings: a literal would hold the controls.
const others = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const controls = new RegExp(`[\\u0000-\\u001f${others}]`, 'g');
const controlsButNewline = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${others}]`, 'g');

const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(char: string): string {
  const named_ = named[char];
  if (named_) return named_;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One value on one line: every control character shown as an escape. */
export function displayValue(value: string): string {
  return value.replace(controls, escapeControl);
}

/** A document of lines: newlines kept, every other control shown as an escape. */
export function terminalText(text: string): string {
  return text.replace(controlsButNewline, escapeControl);
}

/** The widest a table column grows before its values are cut (with an ellipsis). */
export const maxColumnWidth = 48;

/** A value for a table cell: escaped, then cut to `width` characters with "…". */
export function fitCell(value: string, width: number = maxColumnWidth): string {
  const shown = displayValue(value);
  return shown.length > width ? `${shown.slice(0, Math.max(0, width - 1))}…` : shown;
}

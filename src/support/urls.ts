// Paths as Markdown and links hand them over are URL-encoded; a malformed escape
// (`%E0%A4%A`) must not stop a build, so it is kept as written.

/** `my%20photo.jpg` → `my photo.jpg`; text that is not valid percent-encoding comes back unchanged. */
export function safeDecode(text: string, decode: (text: string) => string = decodeURIComponent): string {
  try {
    return decode(text);
  } catch {
    return text;
  }
}

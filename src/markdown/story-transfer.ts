// A rendered story as it crosses between threads: a VFile is a class instance, so
// it travels as its parts (text, data, messages) and is built again on the other
// side with the same data and the same messages in the same order. Structured
// cloning keeps plain objects (StoryDate, places) and Uint8Arrays; image bytes
// are transferred, not copied.
import type { Transferable } from 'node:worker_threads';
import { VFile, type Data } from 'vfile';
import type { VFileMessage } from 'vfile-message';

export interface PackedStory {
  value: string | undefined;
  data: Data;
  messages: PackedMessage[];
}

/** What `fail` and `warn` (and any plugin's `file.message`) set on a message. */
interface PackedMessage {
  reason: string;
  place: VFileMessage['place'];
  ruleId: string | undefined;
  source: string | undefined;
  fatal: boolean | null | undefined;
  note: string | undefined;
  url: string | undefined;
  actual: string | undefined;
  expected: string[] | undefined;
}

/** The parts of `file` to post, and the image buffers to hand over with them. */
export function packStory(file: VFile): { packed: PackedStory; transfer: Transferable[] } {
  const transfer = new Set<ArrayBuffer>();
  for (const item of file.data.media ?? []) {
    let bytes = item.bytes;
    // Small reads share Node's 8 KiB buffer pool: give those a buffer of their own to hand over.
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer)) bytes = item.bytes = new Uint8Array(bytes);
    transfer.add(bytes.buffer as ArrayBuffer);
  }
  const messages = file.messages.map(({ reason, place, ruleId, source, fatal, note, url, actual, expected }) => ({ reason, place, ruleId, source, fatal, note, url, actual, expected }));
  return { packed: { value: file.value === undefined ? undefined : String(file.value), data: file.data, messages }, transfer: [...transfer] };
}

/** The story file as `renderStory` left it on the other thread. */
export function unpackStory(path: string, packed: PackedStory): VFile {
  const file = new VFile({ path });
  if (packed.value !== undefined) file.value = packed.value;
  for (const { reason, place, ruleId, source, fatal, ...more } of packed.messages) {
    const message = file.message(reason, { place, ruleId, source });
    message.fatal = fatal;
    for (const [key, value] of Object.entries(more)) if (value !== undefined) Object.assign(message, { [key]: value });
  }
  // Image bytes arrive as plain Uint8Arrays: the same bytes as a Buffer again, as read on this thread.
  for (const item of packed.data.media ?? []) item.bytes = Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength);
  Object.assign(file.data, packed.data);
  return file;
}

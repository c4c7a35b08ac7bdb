// A story's file as it crosses between threads, or goes into the story index: a
// VFile is a class instance, so it travels as its parts (text, data, messages) and
// is built again on the other side with the same data and the same messages in the
// same order. Structured cloning (and v8.serialize) keeps plain objects (StoryDate,
// places).
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

/** The parts of `file` to post or save; `messages`: only the first so many (the ones the per-file stages made). */
export function packStory(file: VFile, options: { messages?: number } = {}): { packed: PackedStory } {
  const own = options.messages === undefined ? file.messages : file.messages.slice(0, options.messages);
  const messages = own.map(({ reason, place, ruleId, source, fatal, note, url, actual, expected }) => ({ reason, place, ruleId, source, fatal, note, url, actual, expected }));
  const value = file.value === undefined ? undefined : String(file.value);
  return { packed: { value, data: file.data, messages } };
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
  Object.assign(file.data, packed.data);
  return file;
}

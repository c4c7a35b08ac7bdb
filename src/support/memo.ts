// What the stages' memos share: comparing what a rebuild got with what the last one had.

/**
 * Whether `now` holds, place by place, what `last` held: the very same item, or one `alike` it.
 * The memos of a rebuild use it, since the site model hands back the same objects for all but
 * the edited stories, so most places compare by identity without reaching into the item.
 */
export function sameItems<T>(last: readonly T[], now: readonly T[], alike: (now: T, was: T) => boolean = () => false): boolean {
  return last.length === now.length && now.every((item, index) => item === last[index] || alike(item, last[index] as T));
}

// MQTT topic names and filters as AWS IoT Core treats them: `+` is one level, `#` the rest (only last), and a
// filter that starts with a wildcard never matches a topic that starts with `$` (MQTT 3.1.1, 4.7.2).

/** AWS IoT Core's limits on a topic name: 256 bytes, at most 7 slashes. */
export const maxTopicBytes = 256;
export const maxTopicSlashes = 7;

/** A reason the filter is not a valid MQTT topic filter, or null. */
export function topicFilterError(filter: string): string | null {
  if (filter.length === 0) return 'it is empty';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i += 1) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be the whole last level';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return null;
}

/** A reason the name cannot be published to (wildcards, empty), or null. */
export function topicNameError(topic: string): string | null {
  if (topic.length === 0) return 'the topic is empty';
  if (topic.includes('+') || topic.includes('#')) return 'a topic name cannot contain the wildcards + or #';
  return null;
}

/** AWS IoT Core refuses names over 256 bytes or with more than 7 slashes (a reserved `$aws/` topic's first 3 do not count). */
export function topicLimitError(topic: string): string | null {
  if (Buffer.byteLength(topic, 'utf8') > maxTopicBytes) return `the topic is longer than ${maxTopicBytes} bytes`;
  const slashes = topic.split('/').length - 1 - (topic.startsWith('$aws/') ? 3 : 0);
  return slashes > maxTopicSlashes ? `the topic has more than ${maxTopicSlashes} forward slashes` : null;
}

export function topicMatches(filter: string, topic: string): boolean {
  if ((filter.startsWith('+') || filter.startsWith('#')) && topic.startsWith('$')) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i += 1) {
    const level = filterLevels[i];
    if (level === '#') return true;
    const part = topicLevels[i];
    if (part === undefined) return false;
    if (level !== '+' && level !== part) return false;
  }
  return filterLevels.length === topicLevels.length;
}

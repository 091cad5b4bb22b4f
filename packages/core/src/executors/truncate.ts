/** Default of `maxPrintOutputsLength`. */
export const DEFAULT_MAX_PRINT_OUTPUTS_LENGTH = 50_000;

/**
 * Keeps `content` under `maxLength` characters: the head and the tail survive, with a marker
 * in the middle that says how much was dropped (the same marker the Python runtime writes).
 *
 * @example
 * truncateContent("a".repeat(300), 100); // 50 "a", the marker, 50 "a"
 */
export function truncateContent(
  content: string,
  maxLength: number = DEFAULT_MAX_PRINT_OUTPUTS_LENGTH,
): string {
  if (content.length <= maxLength) return content;
  const headLength = Math.floor(maxLength / 2);
  const tailLength = maxLength - headLength;
  const dropped = content.length - headLength - tailLength;
  return (
    `${content.slice(0, headLength)}\n... [${dropped} characters of output truncated: output is limited to ` +
    `${maxLength} characters, head and tail kept] ...\n${content.slice(content.length - tailLength)}`
  );
}

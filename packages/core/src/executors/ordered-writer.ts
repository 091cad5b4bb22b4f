/**
 * Runs writes one after another. A remote sandbox's stdin write is often its own HTTP request
 * (E2B, Blaxel), and two in flight at once could reach the sandbox out of order.
 */
export function orderedWriter<T>(write: (data: T) => Promise<void>): (data: T) => Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  return (data) => {
    const next = previous.then(() => write(data));
    previous = next.catch(() => {});
    return next;
  };
}

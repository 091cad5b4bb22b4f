/** What Transformers.js reports while it fetches and loads a model's files. */
export interface TransformersLoadProgress {
  status: string;
  name?: string;
  file?: string;
  /** 0 to 100. */
  progress?: number;
  loaded?: number;
  total?: number;
}

/**
 * A one-line progress bar for model downloads, redrawn in place on a terminal: the total across
 * files when Transformers.js reports it, the current file otherwise.
 *
 * @example
 * const report = progressBar(process.stderr);
 * await pipeline("text-generation", modelId, { progress_callback: report });
 */
export function progressBar(
  stream: { write(text: string): unknown },
  width = 30,
): (event: TransformersLoadProgress) => void {
  let drawn = false;
  return (event) => {
    if (event.status === "ready") {
      if (drawn) stream.write("\n");
      drawn = false;
      return;
    }
    if (event.status !== "progress_total" && event.status !== "progress") return;
    const fraction = Math.min(1, Math.max(0, (event.progress ?? 0) / 100));
    const filled = Math.round(fraction * width);
    const label = event.status === "progress_total" ? (event.name ?? "model") : (event.file ?? "");
    const sizes = event.total ? ` ${megabytes(event.loaded ?? 0)}/${megabytes(event.total)} MB` : "";
    stream.write(
      `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${Math.round(fraction * 100)}%${sizes}`,
    );
    drawn = true;
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

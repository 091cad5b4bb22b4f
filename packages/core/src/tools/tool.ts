// Placeholder so the contracts type-check; the tools helper replaces this file.
export abstract class Tool {
  abstract name: string;
  abstract description: string;
}

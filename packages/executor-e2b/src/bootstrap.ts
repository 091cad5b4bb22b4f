// The runtime goes in through stdin (see `stdinBootstrapShellCommand` in @smol/core).
export {
  stdinBootstrapPayload as bootstrapPayload,
  stdinBootstrapShellCommand as bootstrapShellCommand,
} from "@smol/core/executor-kit";

// The runtime goes in through the container's stdin (see `stdinBootstrapCommand` in @smol/core):
// no bind mount, and it works with the read-only root filesystem.
export {
  stdinBootstrapCommand as bootstrapCommand,
  stdinBootstrapPayload as bootstrapPayload,
} from "@smol/core/executor-kit";

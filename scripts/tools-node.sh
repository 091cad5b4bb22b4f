# Sourced by scripts/test.sh and scripts/start.sh: puts the Node 22 that scripts/setup.sh installs
# under .tools/ (the oldest Node smol supports) first in PATH, so the tests and the main job run
# on a supported Node whatever the machine's own Node is. Without .tools/, the Node in PATH runs.
for node_bin in .tools/node-22/node_modules/node-linux-*/bin; do
  [ -x "$node_bin/node" ] && export PATH="$PWD/$node_bin:$PATH"
done

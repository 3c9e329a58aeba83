#!/usr/bin/env bash
# Follows the README's quick start as a new user would: runs, verbatim, each command of the first
# ```sh block of README.md, in order, in this checkout, and fails if one fails. The test command
# of that block (`npm test`) is checked to be there but left to the caller: .ci/run runs it
# itself, once. CI runs this on a fresh clone, so the README's first two commands are proven on
# every change.
set -euo pipefail
cd "$(dirname "$0")/.."
commands=$(awk '/^```sh$/ && !done { inside = 1; next } inside && /^```$/ { inside = 0; done = 1 } inside { print }' README.md \
  | sed -E 's/[[:space:]]+#.*$//' | grep -v '^[[:space:]]*$')
if [ -z "$commands" ]; then
  echo "README.md has no \`\`\`sh quick-start block" >&2
  exit 1
fi
if ! grep -qx 'npm test' <<< "$commands"; then
  echo "README.md's quick start no longer gives \`npm test\` as its test command; update .ci/run with it" >&2
  exit 1
fi
while IFS= read -r line; do
  [ "$line" = 'npm test' ] && continue
  echo "+ $line  (from README.md)"
  bash -c "$line" </dev/null
done <<< "$commands"

#!/usr/bin/env bash
# Runs every shell command of README.md, as written, the way a new user would:
# the lines of its ```sh blocks, in order, in one shell, in a scratch copy of
# the work tree (what a fresh clone holds: tracked files and new files that
# .gitignore does not exclude). Fails on the first command that fails.
#
# Markers, in a trailing comment of a line:
#   # ... expect exit N     the command must exit with N (for a line ending in
#                           `; echo "exit $?"`, the command before the echo)
#   # ... (not run in CI)   the line is skipped; use sparingly, for commands too
#                           slow for CI
#
# Usage: bash .ci/readme-commands.sh [README.md]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
readme=${1:-README.md}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$scratch"

# Turn the ```sh blocks into one script.
script="$scratch/.readme-commands"
awk '
function quote(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
/^```sh[[:space:]]*$/ { inblock = 1; block++; printf "echo; echo %s\n", quote("### README block " block " (line " NR ")"); next }
inblock && /^```[[:space:]]*$/ { inblock = 0; next }
!inblock { next }
heredoc != "" {                       # inside a here-document: as is
  print
  if ($0 == heredoc) heredoc = ""
  next
}
{
  line = $0
  if (match(line, /#[^#]*\(not run in CI\)[[:space:]]*$/)) {
    printf "echo %s\n", quote("(skipped, not run in CI) $ " line)
    next
  }
  if (!continued) printf "echo %s\n", quote("$ " line)
  if (match(line, /<<-?[\047"]?[A-Za-z_][A-Za-z_0-9]*[\047"]?/)) {
    heredoc = substr(line, RSTART, RLENGTH); sub(/^<<-?/, "", heredoc); gsub(/[\047"]/, "", heredoc)
  }
  if (match(line, /#[^#]*expect exit [0-9]+[[:space:]]*$/)) {
    want = substr(line, RSTART); sub(/.*expect exit /, "", want); sub(/[[:space:]]*$/, "", want)
    cmd = substr(line, 1, RSTART - 1)
    sub(/[[:space:]]*$/, "", cmd); sub(/;[[:space:]]*echo "exit \$\?"$/, "", cmd)
    printf "expecting=1; set +e; ( %s ); rc=$?; set -e; expecting=; echo \"exit $rc\"\n", cmd
    printf "if [ \"$rc\" -ne %s ]; then echo %s \"got exit $rc\" >&2; exit 1; fi\n", want, quote("README command expected exit " want ", ")
    next
  }
  print line
  continued = (line ~ /\\$/)
}
' "$readme" > "$script"

blocks=$(grep -c '^```sh' "$readme" || true)
echo "running the commands of $blocks sh block(s) of $readme in $scratch"
cd "$scratch"
start=$(date +%s)
if ! bash -eo pipefail -c 'trap '\''rc=$?; [ -n "${expecting:-}" ] || echo "README command failed (exit $rc): $BASH_COMMAND" >&2'\'' ERR; source .readme-commands'; then
  echo "FAIL: a command of $readme failed (see above)" >&2
  exit 1
fi
echo
echo "every command of $readme ran as written ($(( $(date +%s) - start )) s)"

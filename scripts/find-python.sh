#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter: Rasa 3.6 needs <3.11, and the code uses
# 3.10 (zip(strict=True), the `X | None` of type hints at run time).
# Order: $PYTHON, python3.10 on PATH (if it really runs), pyenv's 3.10 builds.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
for candidate in "${PYTHON:-}" python3.10; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for path in "$root"/versions/3.10*/bin/python3.10; do
  if [ -x "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
done
echo "error: Python 3.10 not found (Rasa 3.6 needs it). Install python3.10 or set PYTHON=/path/to/python3.10" >&2
exit 1

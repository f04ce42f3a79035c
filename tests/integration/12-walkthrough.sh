#!/bin/sh
# docs/how-a-container-is-made.md quotes the --verbose lines of one run: each quoted line must
# still be printed, in the document's order, by the run it describes. Placeholders: <pid>,
# <n> (a number), <rootfs>, <cgroup> (a directory under /sys/fs/cgroup), <memory-limit>,
# <masked-dir> (a masked directory of /proc or /sys: which comes first depends on the kernel).
. "$(dirname "$0")/lib.sh"
DOC=docs/how-a-container-is-made.md

skip_unless "walkthrough" "needs root (the run makes a cgroup)" is_root
skip_unless "walkthrough" "needs python3" have python3
skip_unless "walkthrough" "no memory controller (the run sets --memory)" \
	grep -Eq '(^|,|:)memory(,|:|$)' /proc/self/cgroup /sys/fs/cgroup/cgroup.controllers

ent --verbose --memory 64M "$ROOTFS" /bin/true
check "the walkthrough's run starts its container" [ "$STATUS" = 0 ]
sed 's/^ent-run: +[0-9.]*ms //' "$ERR" >"$T_TMP/trace"

missing=$(python3 - "$DOC" "$T_TMP/trace" <<'EOF'
import re, sys
doc, trace = open(sys.argv[1]).read(), open(sys.argv[2]).read().splitlines()
holes = {"<pid>": "[0-9]+", "<n>": "[0-9.]+", "<rootfs>": ".+",
         "<cgroup>": "/sys/fs/cgroup/.+", "<memory-limit>": r"memory\.(limit_in_bytes|max)",
         "<masked-dir>": "/(proc|sys)/[a-z/_]+"}
quoted = []
for block in re.findall(r"^```trace\n(.*?)^```", doc, re.S | re.M):
    quoted += [l for l in block.splitlines() if l.strip()]
at = 0
for line in quoted:
    pattern = re.escape(line)
    for hole, rx in holes.items():
        pattern = pattern.replace(re.escape(hole), rx)
    rx = re.compile("^" + pattern + "$")
    found = next((i for i in range(at, len(trace)) if rx.match(trace[i])), None)
    if found is None:
        print("not printed (in this order): " + line)
        break
    at = found + 1
print(f"{len(quoted)} quoted", file=sys.stderr)
EOF
)
check "every quoted --verbose line is printed, in order" [ -z "$missing" ]
[ -n "$missing" ] && echo "$missing"
check "the document quotes lines at all" \
	sh -c "[ \$(grep -c '^\`\`\`trace' '$DOC') -ge 10 ]"
finish
